import * as tf from '@tensorflow/tfjs-core'
import type { HostFeatures, Split } from './data.js'

type Rows = Float32Array | Uint8Array

/**
 * A split whose features stay on the host as bytes: `x` is a float32 tensor made on first access and
 * freed by `dispose()` (which leaves `y` to its owner); the trainer and evaluation read `host` and
 * upload one batch at a time.
 */
export function hostSplit(host: HostFeatures, y: tf.Tensor, size: number): Split & { dispose(): void } {
  if (host.values.length !== size * host.shape.reduce((a, b) => a * b, 1)) {
    throw new RangeError(`hostSplit: ${host.values.length} values do not make ${size} rows of shape [${host.shape.join(', ')}]`)
  }
  let x: tf.Tensor | undefined
  return {
    host,
    y,
    size,
    get x(): tf.Tensor {
      return (x ??= tf.tensor(toFloats(host.values, host.scale), [size, ...host.shape], 'float32'))
    },
    dispose() {
      x?.dispose()
      x = undefined
    },
  }
}

/**
 * A split's values held on the host, cut into batch tensors by uploading sub-arrays one batch at a
 * time. (tfjs-backend-wasm's slice copies its whole input per call, so slicing a big tensor per batch
 * costs a full copy of the dataset; one read and small uploads cost a fraction of that.) Byte
 * features stay bytes until their batch is uploaded.
 */
export class HostSplit {
  private constructor(
    private readonly x: Rows,
    private readonly scale: number,
    private readonly y: Float32Array,
    private readonly xShape: number[],
    private readonly yShape: number[],
    readonly size: number,
  ) {}

  static async from(split: Split): Promise<HostSplit> {
    const y = Float32Array.from(await split.y.data())
    if (split.host) return new HostSplit(split.host.values, split.host.scale, y, split.host.shape, split.y.shape.slice(1), split.size)
    return new HostSplit(Float32Array.from(await split.x.data()), 1, y, split.x.shape.slice(1), split.y.shape.slice(1), split.size)
  }

  /**
   * The batches of `order` (all rows when omitted), `batchSize` rows each (the last may be short), as
   * host arrays: `count` of them; `rows(b)` gives batch b's features (bytes times `scale`) and targets.
   */
  hostBatches(batchSize: number, order?: Int32Array): { count: number; rows(b: number): HostBatch } {
    const x = order ? permuteRows(this.x, order) : this.x
    const y = order ? permuteRows(this.y, order) : this.y
    const xWidth = this.x.length / this.size
    const yWidth = this.y.length / this.size
    return {
      count: Math.ceil(this.size / batchSize),
      rows: (b) => {
        const start = b * batchSize
        const n = Math.min(batchSize, this.size - start)
        return { x: x.subarray(start * xWidth, (start + n) * xWidth), scale: this.scale, y: y.subarray(start * yWidth, (start + n) * yWidth), n }
      },
    }
  }

  /** {@link HostSplit.hostBatches} uploaded as tensors when taken; the caller disposes what it takes. */
  batches(batchSize: number, order?: Int32Array): { count: number; rows(b: number): HostBatch; take(b: number): [tf.Tensor, tf.Tensor] } {
    const host = this.hostBatches(batchSize, order)
    return {
      ...host,
      take: (b) => {
        const { x, scale, y, n } = host.rows(b)
        return [
          tf.tensor(x instanceof Float32Array && scale === 1 ? x : toFloats(x, scale), [n, ...this.xShape], 'float32'),
          tf.tensor(y, [n, ...this.yShape], 'float32'),
        ]
      },
    }
  }
}

/** One batch on the host: `n` rows of features (bytes are multiplied by `scale`) and of targets. */
export interface HostBatch {
  x: Rows
  scale: number
  y: Float32Array
  n: number
}

function toFloats(values: Rows, scale: number): Float32Array {
  const out = new Float32Array(values.length)
  for (let i = 0; i < values.length; i++) out[i] = values[i] * scale
  return out
}

function permuteRows<T extends Rows>(values: T, order: Int32Array): T {
  const width = values.length / order.length
  const out = new (values.constructor as new (n: number) => T)(values.length)
  for (let i = 0; i < order.length; i++) out.set(values.subarray(order[i] * width, (order[i] + 1) * width), i * width)
  return out
}
