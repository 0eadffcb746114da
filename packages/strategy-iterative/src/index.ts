import { iterativePlugin } from './plugin.js'

export type { IterateOptions, IterateOptionsInput, Rewind } from './iterate/options.js'
export { iterativePlugin } from './plugin.js'
export { reinitialize } from './reinit.js'

/** `plugins: ['@prunekit/strategy-iterative']` in a config loads this. */
export default iterativePlugin
