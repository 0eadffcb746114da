/** Median of `repeats` timed runs (seconds) after `warmup` untimed ones. */
export async function medianSeconds(fn: () => unknown | Promise<unknown>, repeats = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < repeats; i++) {
    const start = performance.now()
    await fn()
    times.push((performance.now() - start) / 1000)
  }
  return median(times)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export const round = (value: number, digits = 3): number => Number(value.toFixed(digits))

/** One row of a suite's results: a name, then its figures. */
export type Row = Record<string, string | number | boolean | null>

export interface Suite {
  name: string
  description: string
  run(log: (line: string) => void): Promise<Row[]>
}
