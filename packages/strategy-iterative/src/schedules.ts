import type { OptionsInput, ScheduleFactory } from '@prunekit/core'
import { constantSchedule, type constantOptions } from './schedules/constant.js'
import { geometricSchedule, type geometricOptions } from './schedules/geometric.js'
import { linearSchedule, polynomialSchedule, type polynomialOptions } from './schedules/polynomial.js'

/** The schedules this plugin registers, by name. */
export const builtinSchedules = {
  constant: constantSchedule,
  linear: linearSchedule,
  polynomial: polynomialSchedule,
  geometric: geometricSchedule,
} satisfies Record<string, ScheduleFactory<unknown>>

export type BuiltinSchedule = keyof typeof builtinSchedules

/** A schedule name: a built-in one, or any name a plugin registers. */
export type ScheduleName = BuiltinSchedule | (string & {})

// Importing this package types the schedules in defineConfig() (see PrunekitSchedules in core).
declare module '@prunekit/core' {
  interface PrunekitSchedules {
    constant: OptionsInput<typeof constantOptions>
    linear: OptionsInput<ReturnType<typeof polynomialOptions>>
    polynomial: OptionsInput<ReturnType<typeof polynomialOptions>>
    geometric: OptionsInput<typeof geometricOptions>
  }
}
