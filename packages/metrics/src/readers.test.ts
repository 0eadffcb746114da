import { unitChanges, type MetricValue } from '@prunekit/core'
import { describe, expect, it } from 'vitest'
import { readExport, readFlops, readHistograms, readLatency, readLayers, readNumber, readParams, readSize, readValue } from './readers.js'

const snapshotOf = (metrics: Record<string, MetricValue>) => ({ label: 'x', step: 0, metrics })

const row = { name: 'dense_1', type: 'Dense', shape: [8, 6], params: 48, nonzero: 24, sparsity: 0.5, biasParams: 6 }
const histogramSet = { bins: 3, layers: [{ name: 'dense_1', edges: [-1, -0.3, 0.3, 1], counts: [10, 28, 10] }] }

describe('snapshot readers', () => {
  it.each([
    ['a number', 0.25, 0.25],
    ['NaN (accuracy of a regression)', NaN, NaN],
    ['null (NaN after a JSON round trip)', null, undefined],
    ['a string', '0.25', undefined],
    ['an object', { total: 1 }, undefined],
  ])('readNumber returns %s as %s', (_, value, expected) => {
    expect(readNumber(snapshotOf({ loss: value }), 'loss')).toBe(expected)
  })

  it('returns undefined for metrics that were not measured, including inherited names', () => {
    const snapshot = snapshotOf({})
    expect(readNumber(snapshot, 'loss')).toBeUndefined()
    expect(readValue(snapshot, 'toString')).toBeUndefined()
    expect(readLayers(snapshot)).toBeUndefined()
    expect(readHistograms(snapshot)).toBeUndefined()
    expect(readParams(snapshot)).toBeUndefined()
    expect(readSize(snapshot)).toBeUndefined()
  })

  it('reads well-formed values, also after a JSON round trip', () => {
    const metrics = { layers: [row], histograms: histogramSet, params: { total: 54, nonzero: 24, prunable: 48, prunableNonzero: 24, built: 54, prunableBuilt: 48 }, size: { denseBytes: 216, nonzeroBytes: 192 } }
    const snapshot = JSON.parse(JSON.stringify(snapshotOf(metrics)))
    expect(readLayers(snapshot)).toEqual([row])
    expect(readHistograms(snapshot)).toEqual(histogramSet)
    expect(readParams(snapshot)).toEqual(metrics.params)
    expect(readSize(snapshot)).toEqual(metrics.size)
  })

  it('reads a metric registered under another name', () => {
    expect(readLayers(snapshotOf({ kernels: [row] }), 'kernels')).toEqual([row])
  })

  it.each([
    ['not an array', row],
    ['a row without a shape', [{ ...row, shape: undefined }]],
    ['a row with a string count', [{ ...row, params: '48' }]],
    ['one bad row among good ones', [row, { ...row, name: 3 }]],
  ])('readLayers rejects %s', (_, value) => {
    expect(readLayers(snapshotOf({ layers: value as MetricValue }))).toBeUndefined()
  })

  it.each([
    ['edges that do not match the counts', { bins: 3, layers: [{ name: 'a', edges: [-1, 1], counts: [1, 2, 3] }] }],
    ['a missing bin count', { layers: histogramSet.layers }],
    ['layers that are not an array', { bins: 3, layers: {} }],
  ])('readHistograms rejects %s', (_, value) => {
    expect(readHistograms(snapshotOf({ histograms: value as MetricValue }))).toBeUndefined()
  })

  it.each([
    ['params', { total: 1, nonzero: 1, prunable: 1 }],
    ['size', { denseBytes: 4 }],
  ])('rejects %s with a missing field', (name, value) => {
    const snapshot = snapshotOf({ [name]: value })
    expect(name === 'params' ? readParams(snapshot) : readSize(snapshot)).toBeUndefined()
  })

  it('lists units before -> after per layer, from the layers rows of two snapshots', () => {
    const before = snapshotOf({ layers: [{ ...row, units: 300 }, { ...row, name: 'output', units: 10 }] })
    const after = snapshotOf({ layers: [{ ...row, units: 150 }, { ...row, name: 'output', units: 10 }, { ...row, name: 'new' }] })
    expect(unitChanges(readLayers(before), readLayers(after))).toEqual([
      { name: 'dense_1', type: 'Dense', before: 300, after: 150 },
      { name: 'output', type: 'Dense', before: 10, after: 10 },
    ])
    expect(unitChanges(readLayers(snapshotOf({})), readLayers(after)).map((c) => c.before)).toEqual([undefined, undefined])
    expect(readLayers(snapshotOf({ layers: [{ ...row, units: '150' }] }))).toBeUndefined()
  })

  it('reads the export entry of an export snapshot, and refuses a malformed one', () => {
    const entry = { file: 'out/u8/model.json', format: 'layers', dtype: 'uint8', raw: 70, gzip: 50, brotli: 45, float32: { raw: 250, gzip: 200, brotli: 190 }, layers: [{ layer: 'dense_1', max: 0.004, mean: 0.001 }] }
    expect(readExport(JSON.parse(JSON.stringify(snapshotOf({ accuracy: 0.9, export: entry }))))).toEqual(entry)
    expect(readExport(snapshotOf({ accuracy: 0.9 }))).toBeUndefined()
    expect(readExport(snapshotOf({ export: { ...entry, float32: { raw: 250 } } }))).toBeUndefined()
    expect(readExport(snapshotOf({ export: { ...entry, layers: [{ layer: 'dense_1', max: '0' }] } }))).toBeUndefined()
  })

  it('reads flops and latency values, and refuses malformed ones', () => {
    const flops = { macs: 10, effectiveMacs: 5, layers: [{ name: 'dense_1', type: 'Dense', macs: 10, effectiveMacs: 5 }] }
    const latency = { backend: 'wasm', warmup: 3, runs: 20, batches: [{ batch: 1, medianMs: 0.1, samplesPerSecond: 10000 }] }
    expect(readFlops(snapshotOf({ flops }))).toEqual(flops)
    expect(readLatency(snapshotOf({ latency }))).toEqual(latency)
    expect(readFlops(snapshotOf({ flops: { ...flops, layers: [{ name: 'x' }] } }))).toBeUndefined()
    expect(readLatency(snapshotOf({ latency: { ...latency, backend: 1 } }))).toBeUndefined()
  })
})
