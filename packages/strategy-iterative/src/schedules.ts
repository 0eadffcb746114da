import type { ScheduleFactory } from '@prunekit/core'
import { constantSchedule } from './schedules/constant.js'
import { geometricSchedule } from './schedules/geometric.js'
import { linearSchedule, polynomialSchedule } from './schedules/polynomial.js'

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
