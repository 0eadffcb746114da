import * as tf from '@tensorflow/tfjs-core'
import type { Split } from './data.js'

/**
 * A split's values held on the host, cut into batch tensors by uploading sub-arrays.
 * (tfjs-backend-wasm's slice copies its whole input per call, so slicing a big tensor per batch
 * costs a full copy of the dataset; one read and small uploads cost a fraction of that.)
 */
export class HostSplit {
  private constructor(
    private readonly x: Float32Array,
    private readonly y: Float32Array,
    private readonly xShape: number[],
    private readonly yShape: number[],
    readonly size: number,
  ) {}

  static async from(split: Split): Promise<HostSplit> {
    const [x, y] = await Promise.all([split.x.data(), split.y.data()])
    return new HostSplit(Float32Array.from(x), Float32Array.from(y), split.x.shape.slice(1), split.y.shape.slice(1), split.size)
  }

  /** Batch tensors [x, y] of `order` (all rows when omitted), `batchSize` rows each (the last may be short). */
  batches(batchSize: number, order?: Int32Array): Array<[tf.Tensor, tf.Tensor]> {
    const x = order ? permuteRows(this.x, order) : this.x
    const y = order ? permuteRows(this.y, order) : this.y
    const xWidth = this.x.length / this.size
    const yWidth = this.y.length / this.size
    const out: Array<[tf.Tensor, tf.Tensor]> = []
    for (let start = 0; start < this.size; start += batchSize) {
      const n = Math.min(batchSize, this.size - start)
      out.push([
        tf.tensor(x.subarray(start * xWidth, (start + n) * xWidth), [n, ...this.xShape], 'float32'),
        tf.tensor(y.subarray(start * yWidth, (start + n) * yWidth), [n, ...this.yShape], 'float32'),
      ])
    }
    return out
  }
}

function permuteRows(values: Float32Array, order: Int32Array): Float32Array {
  const width = values.length / order.length
  const out = new Float32Array(values.length)
  for (let i = 0; i < order.length; i++) out.set(values.subarray(order[i] * width, (order[i] + 1) * width), i * width)
  return out
}
