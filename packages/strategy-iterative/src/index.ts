import { iterativePlugin } from './plugin.js'

export type { IterateOptions, Rewind } from './iterate/options.js'
export { iterativePlugin } from './plugin.js'
export { reinitialize } from './reinit.js'

/** `plugins: ['@prunekit/strategy-iterative']` in a config loads this. */
export default iterativePlugin
