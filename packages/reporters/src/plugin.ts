import { definePlugin, registerAll, type PrunekitPlugin } from '@prunekit/core'
import { consoleReporter } from './console.js'
import { jsonReporter } from './json.js'

export function reportersPlugin(): PrunekitPlugin {
  return definePlugin({
    name: '@prunekit/reporters',
    register: (registry) => registerAll(registry, { reporters: [consoleReporter, jsonReporter] }),
  })
}
