import { iterativePlugin } from './plugin.js'

export { iterateOptions, rewindCheckpoint, type IterateOptions, type IterateOptionsInput, type Rewind } from './iterate/options.js'
export { iterateStep } from './iterate/step.js'
export { iterativePlugin } from './plugin.js'
export { reinitialize } from './reinit.js'
export { builtinSchedules, type BuiltinSchedule, type ScheduleName } from './schedules.js'
export { constantSchedule, type ConstantOptions } from './schedules/constant.js'
export { geometricSchedule, geometricSparsity, type GeometricOptions } from './schedules/geometric.js'
export { linearSchedule, polynomialSchedule, polynomialSparsity, type PolynomialOptions } from './schedules/polynomial.js'
export { pruningStep, type Timing } from './schedules/timing.js'

/** `plugins: ['@prunekit/strategy-iterative']` in a config loads this. */
export default iterativePlugin
