import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { countForSparsity, selectBelow, selectLowest, selectLowestWith } from './selection.js'
import { jsRadixPasses, type RadixPasses } from './selection-passes.js'
import { wasmRadixPasses } from './selection-wasm.js'
import { createRng } from './rng.js'

/** Reference: sort indices by (score, position), prune the first k. NaN first. */
function referenceLowest(groups: Float32Array[], k: number): Uint8Array[] {
  const flat: Array<{ g: number; i: number; v: number }> = []
  groups.forEach((g, gi) => g.forEach((v, i) => flat.push({ g: gi, i, v })))
  // NaN below everything, then numeric order with -0 before +0, then position.
  const compare = (a: number, b: number): number => {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number(!Number.isNaN(a)) - Number(!Number.isNaN(b))
    if (a !== b) return a < b ? -1 : 1
    return Number(!Object.is(a, -0)) - Number(!Object.is(b, -0))
  }
  flat.sort((a, b) => compare(a.v, b.v) || a.g - b.g || a.i - b.i)
  const keep = groups.map((g) => new Uint8Array(g.length).fill(1))
  flat.slice(0, k).forEach(({ g, i }) => (keep[g][i] = 0))
  return keep
}

function randomGroups(seed: number, sizes: number[], pool?: number[]): Float32Array[] {
  const rng = createRng(seed)
  return sizes.map((n) => Float32Array.from({ length: n }, () => (pool ? pool[rng.int(pool.length)] : (rng.next() - 0.5) * 10)))
}

describe('selectLowest', () => {
  it.each([
    ['distinct values', [50, 200, 7], undefined],
    ['many ties', [64, 64, 64], [0, 1, 2, 2, 2, 3]],
    ['NaN and infinities', [40, 40], [NaN, -Infinity, Infinity, 0, -0, 1.5, -1.5]],
  ])('prunes exactly the k smallest scores across groups (%s)', (_name, sizes, pool) => {
    const groups = randomGroups(7, sizes, pool)
    const total = sizes.reduce((a, b) => a + b, 0)
    for (const k of [0, 1, 17, Math.floor(total / 2), total - 1, total]) {
      expect(selectLowest(groups, k)).toEqual(referenceLowest(groups, k))
    }
  })

  it.each([
    ['distinct values', undefined],
    ['ties, signed zeros, NaN and infinities', [NaN, -Infinity, Infinity, 0, -0, 1.5, -1.5, 2, -2]],
  ])('with order magnitude, prunes exactly the k smallest |w| without a copy (%s)', (_name, pool) => {
    const groups = randomGroups(11, [70, 30, 55], pool)
    const abs = groups.map((g) => g.map(Math.abs))
    for (const k of [0, 1, 40, 100, 154, 155]) {
      expect(selectLowest(groups, k, 'magnitude')).toEqual(referenceLowest(abs, k))
    }
  })

  it.each(['value', 'magnitude'] as const)('with order %s, counts every NaN bit pattern (either sign, any payload) as the smallest score', (order) => {
    const scores = Float32Array.from([3, -Infinity, 0, 2, -1, 5, 1, -4])
    const bits = new Uint32Array(scores.buffer)
    for (const [at, pattern] of [[0, 0xffc00000], [3, 0x7f800001], [5, 0xffffffff]]) bits[at] = pattern
    const reference = order === 'magnitude' ? scores.map(Math.abs) : scores
    for (const k of [1, 3, 4, 6]) expect(selectLowest([scores], k, order)).toEqual(referenceLowest([reference], k))
  })

  it('finds the cut when values differ only in their low 16 bits', () => {
    const base = 1.0
    const values = Float32Array.from({ length: 100 }, (_, i) => base + i * 2 ** -23)
    const reversed = Float32Array.from(values).reverse()
    const [mask] = selectLowest([reversed], 10)
    expect([...mask].slice(90)).toEqual(new Array(10).fill(0))
    expect(mask.slice(0, 90).every((m) => m === 1)).toBe(true)
  })
})

describe('selectLowest passes', () => {
  const wasm = wasmRadixPasses() as RadixPasses
  // Chunks of 40 and 16 entries put chunk boundaries inside every group (and a scalar tail in 40's).
  const passes: Array<[string, RadixPasses]> = [
    ['JavaScript', jsRadixPasses],
    ['WebAssembly SIMD', wasm],
    ['WebAssembly SIMD, chunks of 40', wasmRadixPasses(40) as RadixPasses],
    ['WebAssembly SIMD, chunks of 16', wasmRadixPasses(16) as RadixPasses],
  ]
  const paths = passes.flatMap(([name, p]) => [[`${name}, two passes`, p, Infinity] as const, [`${name}, from a sample`, p, 0] as const])

  /** The passes, counting the entries that went through a histogram (the two-pass path's first pass). */
  function counting(p: RadixPasses): RadixPasses & { histogrammed: number } {
    const wrapped = {
      histogrammed: 0,
      countHigh: (...args: Parameters<RadixPasses['countHigh']>) => ((wrapped.histogrammed += args[0].length), p.countHigh(...args)),
      split: p.split,
    }
    return wrapped
  }

  it('runs the WebAssembly module here (Node.js has SIMD), so selectLowest takes it', () => {
    expect(wasm).not.toBeNull()
  })

  it('is the compile of wasm/selection.wat (run npm run build:wasm -w @prunekit/core after editing it)', async () => {
    const { compileSelection } = (await import(fileURLToPath(new URL('../scripts/compile-selection.mjs', import.meta.url)))) as { compileSelection(): Uint8Array }
    const committed = readFileSync(new URL('./selection-wasm-module.ts', import.meta.url), 'utf8')
    expect(committed).toContain(`'${Buffer.from(compileSelection()).toString('base64')}'`)
  })

  it.each(paths)('with %s, prune the reference k smallest across groups, ties by position and NaN first, in both orders', (_name, p, sampleAbove) => {
    const pool = [NaN, -Infinity, Infinity, 0, -0, 1.5, -1.5, 2, -2, 2 ** -140, -(2 ** -140)]
    const cases = [randomGroups(3, [70, 130, 33, 1], pool), randomGroups(5, [97, 64, 200])]
    const nanBits = Float32Array.from([1, NaN, 3, -0.5])
    new Uint32Array(nanBits.buffer)[2] = 0xffc00001 // a negative NaN with a payload
    cases.push([nanBits, randomGroups(9, [45])[0]])
    for (const groups of cases) {
      const total = groups.reduce((n, g) => n + g.length, 0)
      for (const order of ['value', 'magnitude'] as const) {
        const reference = order === 'magnitude' ? groups.map((g) => g.map(Math.abs)) : groups
        for (const k of [0, 1, 2, 17, Math.floor(total / 2), total - 1, total]) {
          expect(selectLowestWith(p, groups, k, order, sampleAbove)).toEqual(referenceLowest(reference, k))
        }
      }
    }
  })

  it.each(passes)('with %s, a sample that bounds the cut replaces the histogram pass; ties at the cut fall back to it', (_name, p) => {
    const distinct = randomGroups(21, [3000, 5000])
    const sampled = counting(p)
    expect(selectLowestWith(sampled, distinct, 6000, 'magnitude', 0)).toEqual(referenceLowest(distinct.map((g) => g.map(Math.abs)), 6000))
    expect(sampled.histogrammed).toBeLessThan(800) // the listed entries only, for the exact choice among them
    // Half the weights are 0 and the cut falls among them: the sample's bounds leave the zeros out, so they miss it.
    const zeros = randomGroups(22, [3000, 5000]).map((g) => g.map((w, i) => (i % 2 ? w : 0)))
    const fallback = counting(p)
    expect(selectLowestWith(fallback, zeros, 3000, 'value', 0)).toEqual(referenceLowest(zeros, 3000))
    expect(fallback.histogrammed).toBe(8000)
  })

  it.each(passes)('with %s, a split reports a list that overflows', (_name, p) => {
    const bits = new Int32Array(Float32Array.from({ length: 100 }, (_, i) => i).buffer)
    const cut = { min: 0, max: 0x7fffffff, positions: new Int32Array(10), bits: new Int32Array(10), listed: 0, above: 0 }
    expect(p.split(bits, -1, new Uint8Array(100), cut)).toBe(false)
  })

  it('give identical masks on 300,000 weights with few distinct values (large cut bucket)', () => {
    const groups = randomGroups(13, [150_000, 100_000, 50_000], [0.25, -0.25, 0.5, 1, -1, 0.125])
    const [js, simd] = [jsRadixPasses, wasm].map((p) => Buffer.concat(selectLowestWith(p, groups, 123_457, 'magnitude')))
    expect(simd.equals(js)).toBe(true) // toEqual walks 300,000 bytes one by one
    expect(simd.length - simd.reduce((a, b) => a + b, 0)).toBe(123_457)
  })
})

describe('selectBelow', () => {
  it('prunes scores strictly below the threshold and NaN', () => {
    const [mask] = selectBelow([Float32Array.from([0.1, 0.5, 0.49, NaN, 2])], 0.5)
    expect([...mask]).toEqual([0, 1, 0, 0, 1])
  })
})

describe('countForSparsity', () => {
  it.each([
    [266200, 0.9, 239580],
    [10, 0.25, 3],
    [10, 0, 0],
    [10, 1, 10],
  ])('of %i weights at %f prunes %i', (total, sparsity, expected) => {
    expect(countForSparsity(total, sparsity)).toBe(expected)
  })
})
