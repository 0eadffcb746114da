import type { ScheduleFactory } from '../strategy.js'
import { constantSchedule } from './constant.js'
import { geometricSchedule } from './geometric.js'
import { linearSchedule, polynomialSchedule } from './polynomial.js'

/** The schedules core registers, by name: they drive gradual pruning in train / finetune and the rounds of plugins' steps. */
export const builtinSchedules = {
  constant: constantSchedule,
  linear: linearSchedule,
  polynomial: polynomialSchedule,
  geometric: geometricSchedule,
} satisfies Record<string, ScheduleFactory<unknown>>

export type BuiltinSchedule = keyof typeof builtinSchedules

