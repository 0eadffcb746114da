import { iterativePlugin } from './plugin.js'

export type { IterateOptions, Rewind } from './iterate/options.js'
export { iterativePlugin } from './plugin.js'
export { reinitialize } from './reinit.js'
export { builtinSchedules, type BuiltinSchedule, type ScheduleName } from './schedules.js'
export { constantOptions, constantSchedule, type ConstantOptions } from './schedules/constant.js'
export { geometricOptions, geometricSchedule, geometricSparsity, type GeometricOptions } from './schedules/geometric.js'
export { linearSchedule, polynomialOptions, polynomialSchedule, polynomialSparsity, type PolynomialOptions } from './schedules/polynomial.js'
export { pruningStep, type Timing } from './schedules/timing.js'

/** `plugins: ['@prunekit/strategy-iterative']` in a config loads this. */
export default iterativePlugin
