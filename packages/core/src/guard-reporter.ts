import { ReporterError } from './errors.js'
import type { Reporter } from './reporter.js'

const hooks = ['onRunStart', 'onStepStart', 'onProgress', 'onSnapshot', 'onStepEnd', 'onRunEnd'] as const

/** The reporter with each hook's failure, thrown or rejected, blamed on the reporter rather than the step it ran in. */
export function guardReporter(name: string, reporter: Reporter): Reporter {
  const guarded: Reporter = {}
  for (const hook of hooks) {
    const fn = reporter[hook] as ((arg: unknown) => unknown) | undefined
    if (!fn) continue
    const blame = (cause: unknown): never => {
      throw new ReporterError(name, hook, cause)
    }
    ;(guarded as Record<string, unknown>)[hook] = (arg: unknown) => {
      try {
        const value = fn.call(reporter, arg)
        return value instanceof Promise ? value.catch(blame) : value
      } catch (cause) {
        return blame(cause)
      }
    }
  }
  return guarded
}
