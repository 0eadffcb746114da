import { z } from 'zod'
import { configSchema, fileModelName, fileModelSchema } from './config.js'
import type { Registry } from './registry.js'
import { stepSchema } from './step.js'

export type JsonSchema = Record<string, unknown>

export function toJson(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
  delete json.$schema
  return json
}

/** `{ [nameKey]: const name, ...options }` for each entry: a model, a dataset or a strategy. */
export function taggedUnion(nameKey: string, entries: Array<{ name: string; description: string; options: z.ZodType }>): JsonSchema {
  return {
    anyOf: entries.map(({ name, description, options }) => {
      const json = toJson(options)
      const properties = { [nameKey]: { const: name, description }, ...((json.properties as JsonSchema) ?? {}) }
      return { ...json, type: 'object', properties, required: [nameKey, ...((json.required as string[]) ?? [])] }
    }),
  }
}

/** A list entry written `name` or `{ name: options }`. */
function namedEntries(entries: Array<{ name: string; description: string; schema: JsonSchema }>): JsonSchema {
  return {
    anyOf: [
      { type: 'string', enum: entries.map((e) => e.name) },
      ...entries.map((e) => ({
        type: 'object',
        description: e.description,
        properties: { [e.name]: e.schema },
        required: [e.name],
        additionalProperties: false,
      })),
    ],
  }
}

/**
 * The JSON Schema of prunekit.yaml for a registry, generated from the zod schemas: editors complete
 * step, strategy, model, dataset and reporter names and their options through `$schema`.
 */
export function configJsonSchema(registry: Registry): JsonSchema {
  const root = toJson(configSchema)
  const properties = root.properties as Record<string, JsonSchema>
  const steps = registry.steps.list().map(({ item }) => ({
    name: item.name,
    description: item.description,
    schema: item.jsonSchema?.(registry) ?? toJson(stepSchema(item, registry)),
  }))
  const models = taggedUnion('zoo', registry.models.list().map(({ item }) => item))
  const loadable = registry.models.has(fileModelName) ? [toJson(fileModelSchema)] : []
  properties.model = { anyOf: [...(models.anyOf as JsonSchema[]), ...loadable], description: properties.model.description }
  properties.data = { ...taggedUnion('dataset', registry.datasets.list().map(({ item }) => item)), description: properties.data.description }
  properties.pipeline = { ...properties.pipeline, items: namedEntries(steps) }
  delete properties.pipeline.default
  properties.reporters = {
    ...properties.reporters,
    items: namedEntries(registry.reporters.list().map(({ item }) => ({ name: item.name, description: item.description, schema: toJson(item.options) }))),
  }
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'prunekit.yaml', ...root }
}
