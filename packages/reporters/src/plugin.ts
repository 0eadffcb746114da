import { bundlePlugin, type OptionsInput, type PrunekitPlugin } from '@prunekit/core'
import { consoleReporter, type consoleOptions } from './console.js'
import { csvReporter, type csvOptions } from './csv.js'
import { htmlReporter } from './html.js'
import { jsonReporter } from './json.js'
import { markdownReporter } from './markdown.js'
import { pngReporter, type pngOptions } from './png.js'

/** The built-in reporters by name (vitest's ReportersMap): a config names them as strings. */
export const builtinReporters = { console: consoleReporter, json: jsonReporter, html: htmlReporter, png: pngReporter, markdown: markdownReporter, csv: csvReporter }

export type BuiltinReporter = keyof typeof builtinReporters
/** A built-in reporter name (completed by editors) or any registered custom one. */
export type ReporterName = BuiltinReporter | (string & {})

export function reportersPlugin(): PrunekitPlugin {
  return bundlePlugin('@prunekit/reporters', { reporters: Object.values(builtinReporters) })
}

// Importing this package types the reporters in defineConfig() (see PrunekitReporters in core).
declare module '@prunekit/core' {
  interface PrunekitReporters {
    console: OptionsInput<typeof consoleOptions>
    json: OptionsInput<(typeof jsonReporter)['options']>
    html: OptionsInput<(typeof htmlReporter)['options']>
    png: OptionsInput<typeof pngOptions>
    markdown: OptionsInput<(typeof markdownReporter)['options']>
    csv: OptionsInput<typeof csvOptions>
  }
}
