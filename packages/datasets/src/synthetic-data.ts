import type { Rng } from '@prunekit/core'
import { gaussian } from './gaussian.js'

export interface ClassificationSpec {
  samples: number
  features: number
  informative: number
  /** Probability that a label is flipped after the features are drawn. */
  noise: number
}

/** Rows of features [samples x features] and their 0/1 labels, in shuffled order. */
export interface ClassificationData {
  x: Float32Array
  labels: Uint8Array
}

/** Distinct corners of the hypercube [-1, 1]^dims, one per cluster (like sklearn's make_classification). */
function hypercubeVertices(count: number, dims: number, rng: Rng): Float32Array[] {
  const seen = new Set<string>()
  const vertices: Float32Array[] = []
  while (vertices.length < count) {
    const vertex = Float32Array.from({ length: dims }, () => (rng.next() < 0.5 ? -1 : 1))
    const key = vertex.join(',')
    if (seen.has(key)) continue
    seen.add(key)
    vertices.push(vertex)
  }
  return vertices
}

/**
 * Two classes, each made of Gaussian clusters centred on hypercube corners in the informative
 * dimensions and stretched by a random linear map; the remaining dimensions are pure N(0, 1) noise.
 * Two clusters per class (sklearn's default) when there are at least two informative dimensions.
 */
export function makeClassification(spec: ClassificationSpec, rng: Rng): ClassificationData {
  const { samples, features, informative, noise } = spec
  const normal = gaussian(rng)
  const clusters = informative >= 2 ? 4 : 2
  const centroids = hypercubeVertices(clusters, informative, rng)
  const mixing = centroids.map(() => Float32Array.from({ length: informative * informative }, () => 2 * rng.next() - 1))
  const order = rng.shuffle(Uint32Array.from({ length: samples }, (_, i) => i))

  const x = new Float32Array(samples * features)
  const labels = new Uint8Array(samples)
  const latent = new Float32Array(informative)
  for (let i = 0; i < samples; i++) {
    // Sample i goes to cluster i mod clusters, so classes (cluster parity) are balanced before flips.
    const cluster = i % clusters
    const row = order[i] * features
    for (let j = 0; j < informative; j++) latent[j] = normal()
    for (let j = 0; j < informative; j++) {
      let value = centroids[cluster][j]
      for (let k = 0; k < informative; k++) value += latent[k] * mixing[cluster][k * informative + j]
      x[row + j] = value
    }
    for (let j = informative; j < features; j++) x[row + j] = normal()
    const label = cluster % 2
    labels[order[i]] = rng.next() < noise ? 1 - label : label
  }
  return { x, labels }
}
