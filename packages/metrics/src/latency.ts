import { defineMetric, type Metric, type PrunableModel } from '@prunekit/core'
import * as tf from '@tensorflow/tfjs-core'
import type { LatencyPoint, LatencyStats } from './types.js'

export interface LatencyOptions {
  /** Batch sizes to time (default 1 and 256). */
  batches?: number[]
  /** Untimed runs first, per batch size, so one-off setup (kernel compilation, allocation) is not measured (default 3). */
  warmup?: number
  /** Timed runs per batch size; the median is reported (default 20). */
  runs?: number
}

function inputsFor(model: PrunableModel, batch: number, seed: number): tf.Tensor[] {
  return model.model.inputs.map((input, i) => {
    const shape = input.shape.slice(1)
    if (shape.some((d) => d === null)) {
      throw new Error(`latency needs a fixed input shape, but input ${i} of the model has shape [${input.shape.map((d) => d ?? 'null').join(', ')}].`)
    }
    return tf.randomUniform([batch, ...(shape as number[])], 0, 1, 'float32', seed + i)
  })
}

/** One inference, outputs read back (so asynchronous backends finish), in milliseconds. */
async function timeOnce(model: PrunableModel, inputs: tf.Tensor[]): Promise<number> {
  const start = performance.now()
  const result = tf.tidy(() => model.model.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor | tf.Tensor[])
  const outputs = Array.isArray(result) ? result : [result]
  await Promise.all(outputs.map((t) => t.data()))
  const elapsed = performance.now() - start
  tf.dispose(outputs)
  return elapsed
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median inference time of the model at one batch size, on the current backend, after warm-up. */
export async function measureLatency(model: PrunableModel, batch: number, options: Omit<LatencyOptions, 'batches'> = {}): Promise<LatencyPoint> {
  const { warmup = 3, runs = 20 } = options
  const inputs = inputsFor(model, batch, batch)
  try {
    for (let i = 0; i < warmup; i++) await timeOnce(model, inputs)
    const times: number[] = []
    for (let i = 0; i < runs; i++) times.push(await timeOnce(model, inputs))
    const medianMs = median(times)
    return { batch, medianMs, samplesPerSecond: medianMs > 0 ? (batch * 1000) / medianMs : 0 }
  } finally {
    tf.dispose(inputs)
  }
}

/**
 * The `latency` metric: median inference time at each batch size on the current backend. It runs the
 * model dozens of times, so it is opt-in: an evaluate step measures it only when it names it.
 */
export function createLatencyMetric(options: LatencyOptions = {}): Metric {
  const { batches = [1, 256], warmup = 3, runs = 20 } = options
  if (!batches.length || batches.some((b) => !Number.isInteger(b) || b < 1)) throw new Error(`latency batch sizes must be positive integers, got [${batches.join(', ')}].`)
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(warmup) || warmup < 0) throw new Error('latency needs runs >= 1 and warmup >= 0 (integers).')
  return defineMetric({
    name: 'latency',
    description: `Median inference time (ms) at batch ${batches.join(' and ')} on the current backend, after warm-up (opt-in: name it in an evaluate step's metrics)`,
    optIn: true,
    async compute(ctx): Promise<LatencyStats> {
      const points: LatencyPoint[] = []
      for (const batch of batches) points.push(await measureLatency(ctx.model, batch, { warmup, runs }))
      return { backend: tf.getBackend(), warmup, runs, batches: points }
    },
  })
}

export const latencyMetric = createLatencyMetric()
