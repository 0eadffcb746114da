import { iterativePlugin } from './plugin.js'

export { iterateOptions, rewindCheckpoint, type IterateOptions, type Rewind } from './iterate/options.js'
export { iterateStep } from './iterate/step.js'
export { iterativePlugin } from './plugin.js'
export { reinitialize } from './reinit.js'

/** `plugins: ['@prunekit/strategy-iterative']` in a config loads this. */
export default iterativePlugin
