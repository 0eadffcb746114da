import * as tf from '@tensorflow/tfjs-core'

/**
 * Binary masks (1 keeps, 0 prunes) keyed by weight key (`layerName/kernel`).
 * Owns its tensors: replacing or deleting a mask disposes the old one.
 */
export class MaskSet {
  private readonly masks = new Map<string, tf.Tensor>()

  get size(): number {
    return this.masks.size
  }

  keys(): string[] {
    return [...this.masks.keys()]
  }

  has(key: string): boolean {
    return this.masks.has(key)
  }

  get(key: string): tf.Tensor | undefined {
    return this.masks.get(key)
  }

  /** Stores a mask (kept alive outside any tidy), disposing the one it replaces. */
  set(key: string, mask: tf.Tensor): void {
    const previous = this.masks.get(key)
    const kept = tf.keep(mask.dtype === 'float32' ? mask : tf.cast(mask, 'float32'))
    if (kept !== mask) mask.dispose()
    this.masks.set(key, kept)
    if (previous && previous !== kept) previous.dispose()
  }

  /** Sets the mask from raw values; 0 prunes, anything else keeps. */
  setValues(key: string, values: ArrayLike<number>, shape: number[]): void {
    const data = new Float32Array(values.length)
    for (let i = 0; i < values.length; i++) data[i] = values[i] === 0 ? 0 : 1
    this.set(key, tf.tensor(data, shape, 'float32'))
  }

  delete(key: string): void {
    this.masks.get(key)?.dispose()
    this.masks.delete(key)
  }

  /** Number of pruned (zero) entries per mask, read in one pass. */
  prunedCounts(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const [key, mask] of this.masks) {
      const data = mask.dataSync()
      let zeros = 0
      for (let i = 0; i < data.length; i++) if (data[i] === 0) zeros++
      counts.set(key, zeros)
    }
    return counts
  }

  /** A deep copy (new tensors), for snapshots and rewinding. */
  clone(): MaskSet {
    const copy = new MaskSet()
    for (const [key, mask] of this.masks) copy.set(key, tf.clone(mask))
    return copy
  }

  dispose(): void {
    for (const mask of this.masks.values()) mask.dispose()
    this.masks.clear()
  }
}
