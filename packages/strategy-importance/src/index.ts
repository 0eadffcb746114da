import { importancePlugin } from './plugin.js'

export { fisher, fisherOptions, snip, snipOptions, taylor, taylorOptions, type FisherOptions, type TaylorOptions } from './gradient-criteria.js'
export { movementStrategy, type MovementOptions } from './movement.js'
export { importancePlugin, importanceStrategies, type ImportanceStrategy } from './plugin.js'
export { wanda, wandaOptions, type WandaOptions } from './wanda.js'

/** `plugins: ['@prunekit/strategy-importance']` in a config loads this. */
export default importancePlugin
