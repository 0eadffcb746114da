import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { publint } from 'publint'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const repo = fileURLToPath(new URL('../../', import.meta.url))
const packages = ['tfjs-wasm', 'core', 'sparse-loader', 'models', 'datasets']

/** A README's example marked `<!-- example: name -->`, exactly as printed. */
function readmeExample(readmePath: string, name: string): string {
  const readme = readFileSync(join(repo, readmePath), 'utf8')
  const match = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`[jt]s\\n([\\s\\S]*?)\`\`\``).exec(readme)
  if (!match) throw new Error(`${readmePath} lost its "${name}" example`)
  return match[1]
}

describe('single packages, installed as users install them', () => {
  it.each(packages)('@prunekit/%s is publint-clean', async (name) => {
    const { messages } = await publint({ pkgDir: join(repo, 'packages', name), strict: true })
    expect(messages.map((m) => `${m.code} ${JSON.stringify(m.args)}`)).toEqual([])
  })

  it('packs tfjs-wasm, core, sparse-loader, models and datasets, installs them in a fresh project and runs the READMEs\' examples', async () => {
    const project = mkdtempSync(join(tmpdir(), 'prunekit-pack-'))
    const tarballs: string[] = []
    for (const name of packages) {
      const { stdout } = await run('npm', ['pack', '--silent', '--pack-destination', project], { cwd: join(repo, 'packages', name) })
      tarballs.push(join(project, stdout.trim().split('\n').pop()!))
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }))
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: project, timeout: 240_000 })
    expect(existsSync(join(project, 'node_modules/@prunekit/core/dist/index.d.ts'))).toBe(true)
    expect(existsSync(join(project, 'node_modules/@prunekit/core/src/magnitude.test.ts'))).toBe(false)

    cpSync(join(repo, '../shared/fixtures/external/keras-lenet'), join(project, 'keras-lenet'), { recursive: true })
    expect(existsSync(join(project, 'node_modules/@prunekit/tfjs-wasm/dist/node/index.d.ts'))).toBe(true)
    expect(existsSync(join(project, 'node_modules/@prunekit/tfjs-wasm/src/register.test.ts'))).toBe(false)

    // @prunekit/tfjs-wasm on its own, as a plain tfjs user trains a Conv2D model on wasm with it.
    writeFileSync(join(project, 'conv.mjs'), readmeExample('packages/tfjs-wasm/README.md', 'train-conv-on-wasm'))
    const conv = await run(process.execPath, ['conv.mjs'], { cwd: project, timeout: 120_000 })
    expect(conv.stdout).toMatch(/added: \[\s+'Conv2DBackpropFilter'/)
    const losses = /loss \[ ([\d.]+), ([\d.]+) \]/.exec(conv.stdout)
    expect(losses?.slice(1).map(Number).every(Number.isFinite)).toBe(true)

    // A sparse export written with @prunekit/models, loaded as @prunekit/sparse-loader's README shows.
    writeFileSync(
      join(project, 'sparse-export.mjs'),
      `import * as tf from '@tensorflow/tfjs-core'
import { mkdirSync, writeFileSync } from 'node:fs'
import { prune, setupBackend } from '@prunekit/core'
import { encodeSparse, loadModel } from '@prunekit/models'
await setupBackend('cpu')
const model = await loadModel('keras-lenet/model.json')
;(await prune(model, { sparsity: 0.9 })).applyMasks()
await model.save(tf.io.withSaveHandler(async (artifacts) => {
  const { modelJson, data } = encodeSparse(artifacts)
  mkdirSync('model')
  writeFileSync('model/model.json', JSON.stringify(modelJson))
  writeFileSync('model/' + modelJson.data, data)
  return { modelArtifactsInfo: {} }
}))
`,
    )
    await run(process.execPath, ['sparse-export.mjs'], { cwd: project, timeout: 120_000 })
    writeFileSync(join(project, 'sparse.mjs'), readmeExample('packages/sparse-loader/README.md', 'sparse-in-node'))
    const sparse = await run(process.execPath, ['sparse.mjs'], { cwd: project, timeout: 120_000 })
    expect(sparse.stdout).toMatch(/weights 44426/)

    writeFileSync(join(project, 'example.mjs'), readmeExample('README.md', 'prune-in-ten-lines'))
    const { stdout } = await run(process.execPath, ['example.mjs'], { cwd: project, timeout: 120_000 })
    const accuracy = Number(/accuracy: ([\d.]+)/.exec(stdout)?.[1])
    expect(accuracy).toBeGreaterThan(0.9)
    expect(existsSync(join(project, 'lenet-pruned/model.json'))).toBe(true)
  })
})
