import { z } from 'zod'
import { PruneError } from './errors.js'
import { taggedUnion, type JsonSchema } from './json-schema.js'
import { addIssues, checkRegistered } from './registered-name.js'
import type { Registry } from './registry.js'
import type { Schedule } from './strategy.js'

/** A validated reference to a registered schedule and its options. */
export interface ScheduleRef {
  name: string
  options: unknown
}


/** `polynomial`, or `{ name: polynomial, finalSparsity: 0.9, endStep: 500 }`. */
export const scheduleInput = z
  .union([z.string().min(1), z.object({ name: z.string().min(1).describe('Name of a registered schedule') }).catchall(z.unknown())], {
    error: (issue) =>
      issue.input === undefined
        ? 'required: a schedule name, or { name, ...options } (e.g. { name: polynomial, finalSparsity: 0.9, endStep: 1000 })'
        : 'expected a schedule name, or { name, ...options }',
  })
  .describe('A registered schedule: its name, or { name, ...options } (prunekit list schedules)')

/** For zod transforms: validates a schedule written as a name or `{ name, ...options }`; issues go under `path`. */
export function resolveScheduleRef(registry: Registry, input: z.output<typeof scheduleInput>, ctx: z.RefinementCtx, path: PropertyKey[]): ScheduleRef | undefined {
  const { name, ...options } = typeof input === 'string' ? { name: input } : input
  const namePath = typeof input === 'string' ? path : [...path, 'name']
  if (!checkRegistered(registry.schedules, name, ctx, namePath)) return undefined
  const parsed = registry.schedules.get(name).options.safeParse(options)
  if (!parsed.success) {
    addIssues(ctx, parsed.error.issues, path)
    return undefined
  }
  return { name, options: parsed.data }
}

/** The schedule function of a validated reference; its values are checked to lie in 0..1 when used. */
export function createSchedule(registry: Registry, ref: ScheduleRef): Schedule {
  const schedule = registry.schedules.get(ref.name).create(ref.options)
  return (step) => {
    const sparsity = schedule(step)
    if (!(sparsity >= 0 && sparsity <= 1)) throw new PruneError(`Schedule "${ref.name}" gave sparsity ${sparsity} at step ${step}; a sparsity lies in 0..1.`)
    return sparsity
  }
}

/** JSON Schema of a schedule reference, listing the registered schedules and their options. */
export function scheduleJsonSchema(registry: Registry): JsonSchema {
  const schedules = registry.schedules.list().map(({ item }) => item)
  const description = scheduleInput.description
  if (!schedules.length) return { description, anyOf: [{ type: 'string' }, { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }] }
  return { description, anyOf: [{ type: 'string', enum: schedules.map((s) => s.name) }, ...(taggedUnion('name', schedules).anyOf as JsonSchema[])] }
}
