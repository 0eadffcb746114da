import type { ConfigInput } from './config.js'
import type { Valid } from './option-check.js'
import type { PrunekitConfig } from './option-types.js'

/**
 * Typed helper for configs written in TypeScript. It checks the steps, reporters, model, data,
 * strategies and schedules that the `Prunekit*` registries declare (a plugin package declares its
 * own when imported): a misspelt option, a wrong value or an undeclared step fails to compile.
 *
 * Pipeline steps must be declared (`interface PrunekitSteps`) because a misspelt step key such as
 * `finetun` and a plugin's step look alike to TypeScript; a name given as a value (a strategy,
 * schedule, model, dataset or reporter name) may be undeclared, and then takes any options.
 */
export function defineConfig<const C extends { [K in keyof PrunekitConfig]?: unknown }>(config: Valid<C, PrunekitConfig>): ConfigInput {
  return config as ConfigInput
}
