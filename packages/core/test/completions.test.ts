import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

// Typed options must keep editor completion (DESIGN style point 2): ask TypeScript's language service,
// as an editor does, on the type tests' settings (sources through the "@prunekit/source" condition).
const dir = dirname(fileURLToPath(import.meta.url))
const file = join(dir, 'completions.virtual.ts')
const source = `import type * as tfl from '@tensorflow/tfjs-layers'
import { defineConfig, prune } from '@prunekit/core'
declare const model: tfl.LayersModel
prune(model, { sparsity: 0.5, /*prune keys*/ })
prune(model, { sparsity: 0.5, scope: '/*scope*/' })
prune(model, { strategy: '/*strategy*/' })
defineConfig({ /*config keys*/ })
defineConfig({ pipeline: [{ /*steps*/ }] })
defineConfig({ pipeline: [{ train: { /*train keys*/ } }] })
defineConfig({ pipeline: [{ prune: { strategy: '/*step strategy*/' } }] })
`

function completions(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(join(dir, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!
  const service = ts.createLanguageService({
    ...ts.sys,
    getScriptFileNames: () => [file],
    useCaseSensitiveFileNames: () => ts.sys.useCaseSensitiveFileNames,
    getScriptVersion: () => '1',
    getScriptSnapshot: (name) => (name === file ? ts.ScriptSnapshot.fromString(source) : ts.sys.fileExists(name) ? ts.ScriptSnapshot.fromString(ts.sys.readFile(name)!) : undefined),
    getCurrentDirectory: () => dir,
    getCompilationSettings: () => config.options,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
  })
  const found = new Map<string, string[]>()
  for (const marker of source.matchAll(/\/\*([a-z ]+)\*\//g)) {
    const entries = service.getCompletionsAtPosition(file, marker.index, {})?.entries ?? []
    found.set(marker[1], entries.filter((e) => e.kind === 'property' || e.kind === 'string').map((e) => e.name).sort())
  }
  return found
}

describe('typed options keep editor completion', () => {
  const found = completions()
  it.each([
    ['prune keys', ['biases', 'block', 'blockScore', 'data', 'exclude', 'include', 'overrides', 'pattern', 'registry', 'scope', 'seed', 'strategy', 'threshold']],
    ['scope', ['global', 'layer']],
    ['strategy', ['magnitude']],
    ['steps', ['checkpoint', 'evaluate', 'finetune', 'prune', 'restore', 'sensitivity', 'train']],
    ['train keys', ['batchSize', 'checkpoints', 'distill', 'engine', 'epochs', 'learningRate', 'optimizer', 'prune', 'resetOptimizer', 'shuffle']],
    ['step strategy', ['magnitude']],
  ])('completes %s', (marker, expected) => {
    expect(found.get(marker)).toEqual(expected)
  })

  it('completes the config keys', () => {
    expect(found.get('config keys')).toEqual(expect.arrayContaining(['backend', 'data', 'model', 'pipeline', 'reporters', 'seed', 'train']))
  })
})
