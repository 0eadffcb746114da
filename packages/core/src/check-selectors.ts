import type { ResolvedConfig } from './resolve-config.js'
import { ConfigError, type ConfigIssue } from './errors.js'
import type { PrunableModel } from './model.js'
import { describeSelector, matchesSelector, type LayerSelector } from './selectors.js'

const isObject = (v: unknown): v is Record<string, unknown> => Boolean(v) && typeof v === 'object' && !Array.isArray(v)

const isSelector = (v: unknown): v is LayerSelector => typeof v === 'string' || (isObject(v) && (typeof v.name === 'string' || typeof v.type === 'string'))

/** Every layer selector in a step's options (include, exclude, overrides keys, at any depth), with its config path. */
function selectors(options: unknown, path: string): Array<[string, LayerSelector]> {
  if (!isObject(options)) return []
  const found: Array<[string, LayerSelector]> = []
  for (const [key, value] of Object.entries(options)) {
    if ((key === 'include' || key === 'exclude') && Array.isArray(value)) value.forEach((s, i) => isSelector(s) && found.push([`${path}.${key}.${i}`, s]))
    else if (key === 'overrides' && isObject(value)) for (const name of Object.keys(value)) found.push([`${path}.overrides.${name}`, name])
    else found.push(...selectors(value, key === 'options' && typeof options.strategy === 'string' ? path : `${path}.${key}`)) // prune's { strategy, options } is written flat
  }
  return found
}

/**
 * Checks, once the model is built and before any training, that every include, exclude and overrides
 * selector in the pipeline matches a layer of the model; all misses reported at once.
 */
export function checkSelectors(resolved: ResolvedConfig, model: PrunableModel, source?: string): void {
  const refs = model.weights('all')
  const layers = [...new Set(refs.map((r) => r.layerName))]
  const issues: ConfigIssue[] = []
  resolved.steps.forEach((step, i) => {
    for (const [path, selector] of selectors(step.options, `pipeline.${i}.${step.name}`)) {
      if (!refs.some((ref) => matchesSelector(selector, ref))) {
        issues.push({ path, message: `${describeSelector(selector)} matches no layer of the model. Its layers: ${layers.join(', ')}.` })
      }
    }
  })
  if (issues.length) throw new ConfigError(issues, source)
}
