import Ajv2020 from 'ajv/dist/2020.js'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { repoRoot } from './run-cli.js'

/** Every YAML config under examples/, with the schema file its `$schema` names. */
function examples(dir = join(repoRoot, 'examples')): Array<{ file: string; schema?: string }> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return examples(path)
    if (!entry.name.endsWith('.yaml')) return []
    const schema = (parse(readFileSync(path, 'utf8')) as { $schema?: string }).$schema
    return [{ file: relative(repoRoot, path), schema: schema && resolve(dirname(path), schema) }]
  })
}

const ajv = new Ajv2020({ allErrors: true, strict: false })
const validators = new Map<string, ReturnType<typeof ajv.compile>>()
const validatorFor = (schema: string) => validators.get(schema) ?? validators.set(schema, ajv.compile(JSON.parse(readFileSync(schema, 'utf8')))).get(schema)!

describe('the examples against the JSON Schema they name, as an editor checks them', () => {
  it.each(examples())('$file', ({ file, schema }) => {
    expect(schema, `${file} names no $schema`).toBeDefined()
    const validate = validatorFor(schema!)
    const valid = validate(parse(readFileSync(join(repoRoot, file), 'utf8')))
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.message}`) ?? [], file).toEqual([])
    expect(valid).toBe(true)
  })

  it('accepts the first-party plugins\' names in the default schema, and catches a custom strategy it does not cover', () => {
    const validate = validatorFor(join(repoRoot, 'apps/cli/schema.json'))
    const config = (strategy: string) => ({ model: { zoo: 'mlp' }, data: { dataset: 'synthetic' }, pipeline: ['fold-batchnorm', { prune: { strategy, ratio: 0.5 } }] })
    expect(validate(config('l1-units'))).toBe(true)
    expect(validate({ ...config('magnitude'), pipeline: [{ prune: { strategy: 'random', sparsity: 0.5 } }] })).toBe(false)
    expect(validatorFor(join(repoRoot, 'examples/custom-strategy/schema.json'))({ ...config('magnitude'), pipeline: [{ prune: { strategy: 'random', sparsity: 0.5 } }] })).toBe(true)
  })
})
