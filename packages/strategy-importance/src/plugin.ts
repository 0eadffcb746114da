import { bundlePlugin, type OptionsInput, type PrunekitPlugin, type PruningStrategy } from '@prunekit/core'
import { pluginName } from './data.js'
import type { selectionSchema } from '@prunekit/core/internal'
import type { ZodRawShape } from 'zod'
import { fisher, snip, taylor, type fisherOptions, type snipOptions, type taylorOptions } from './gradient-criteria.js'
import { movementStrategy } from './movement.js'
import { wanda, type wandaOptions } from './wanda.js'

/** The criteria' registry names. */
export type ImportanceStrategy = 'taylor' | 'snip' | 'movement' | 'wanda' | 'fisher'

/** Fresh instances of the criteria (movement keeps the scores of the fit it watches, so each registry gets its own). */
export function importanceStrategies(): Readonly<Record<ImportanceStrategy, PruningStrategy<never>>> {
  return { taylor, snip, movement: movementStrategy(), wanda, fisher } as Record<ImportanceStrategy, PruningStrategy<never>>
}

/** Registers taylor, snip, movement, wanda and fisher: `plugins: ['@prunekit/strategy-importance']`. */
export function importancePlugin(): PrunekitPlugin {
  return bundlePlugin(pluginName, { strategies: Object.values(importanceStrategies()) })
}

type ScoreInput<E extends ZodRawShape> = OptionsInput<ReturnType<typeof selectionSchema<E>>>

// Importing this package types its names in prune() and defineConfig() (see PrunekitStrategies in core).
declare module '@prunekit/core' {
  interface PrunekitStrategies {
    taylor: ScoreInput<typeof taylorOptions>
    snip: ScoreInput<typeof snipOptions>
    movement: ScoreInput<{}>
    wanda: ScoreInput<typeof wandaOptions>
    fisher: ScoreInput<typeof fisherOptions>
  }
}
