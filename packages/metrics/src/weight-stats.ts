import type { Lineage, SnapshotContext, WeightRef } from '@prunekit/core'

/** What one read of a trainable weight tells every metric of a snapshot. */
export interface WeightStat {
  key: string
  layerName: string
  layerType: string
  kind: string
  shape: number[]
  size: number
  /** Entries the weight had when the model was built: more than `size` once structured pruning cut it. */
  builtSize: number
  /** Entries that are not exactly zero (NaN counts as nonzero). */
  nonzero: number
  /** Kernels (rank >= 2) are prunable; biases and other vectors are not. */
  prunable: boolean
  /** Largest finite |w|; 0 when there is none. */
  maxAbs: number
  /** The values, kept for prunable weights only (for histograms). */
  values?: Float32Array
}

export interface WeightStats {
  weights: WeightStat[]
}

/** Prunable weights are the kernels: every trainable weight of rank 2 or more. */
export function isPrunable(ref: Pick<WeightRef, 'shape'>): boolean {
  return ref.shape.length >= 2
}

/** Entries of a weight as first built: its shape with every axis structured pruning cut at its original length. */
function builtSize(ref: WeightRef, lineage: Lineage): number {
  const cuts = lineage.get(ref.key) ?? []
  return ref.shape.reduce((n, d, axis) => n * (cuts.find((c) => c.axis === axis)?.length ?? d), 1)
}

async function readStat(ref: WeightRef, lineage: Lineage): Promise<WeightStat> {
  // read() returns the variable's own tensor, so nothing is allocated here that needs disposing.
  const data = (await ref.variable.read().data()) as Float32Array
  let nonzero = 0
  let maxAbs = 0
  for (let i = 0; i < data.length; i++) {
    const v = data[i]
    if (v !== 0) nonzero++
    const a = Math.abs(v)
    if (a > maxAbs && a !== Infinity) maxAbs = a
  }
  const prunable = isPrunable(ref)
  const { key, layerName, layerType, kind, shape, size } = ref
  return { key, layerName, layerType, kind, shape, size, builtSize: builtSize(ref, lineage), nonzero, prunable, maxAbs, ...(prunable ? { values: data } : {}) }
}

async function collect(ctx: SnapshotContext): Promise<WeightStats> {
  const weights: WeightStat[] = []
  for (const ref of ctx.model.weights()) weights.push(await readStat(ref, ctx.model.lineage))
  return { weights }
}

const cache = new WeakMap<SnapshotContext, Promise<WeightStats>>()

/**
 * Reads every trainable weight once per snapshot: the metrics of one SnapshotContext share the
 * result, and it is dropped with the context.
 */
export function weightStats(ctx: SnapshotContext): Promise<WeightStats> {
  let pending = cache.get(ctx)
  if (!pending) {
    pending = collect(ctx)
    cache.set(ctx, pending)
    // A failed read is not cached, so a later metric may try again.
    pending.catch(() => cache.delete(ctx))
  }
  return pending
}
