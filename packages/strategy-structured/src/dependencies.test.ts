import { describe, expect, it } from 'vitest'
import { analyzeDependencies, groupName, type Dependencies } from './dependencies.js'
import type { LayerNode, ModelGraph } from './graph.js'
import { describeLayout } from './layout.js'

/** A layer node from its class, name, config, inputs and output shape (input shapes follow the inputs). */
function graph(specs: Array<[string, string, Record<string, unknown>, string[], number[]]>, outputs = [specs.at(-1)![1]]): ModelGraph {
  const shapes = new Map<string, number[]>()
  const nodes = specs.map(([className, name, config, inputs, outputShape]): LayerNode => {
    shapes.set(name, outputShape)
    return { name, className, config, inputs, inputShapes: inputs.map((i) => shapes.get(i)!), outputShape, calls: 1, multiOutput: false }
  })
  return { nodes, outputs }
}

const byProducers = (deps: Dependencies) => Object.fromEntries(deps.groups.filter((g) => g.producers.length).map((g) => [groupName(g), g]))
const layoutOf = (deps: Dependencies, layer: string) => {
  const names = new Map(deps.groups.map((g) => [g.id, groupName(g).replace(/^group \d+$/, 'fixed')]))
  return describeLayout(deps.layouts.get(layer)!, (id) => names.get(id)!)
}

describe('dependency analysis', () => {
  it('gives every Dense its own group and pins the model input and output', () => {
    const deps = analyzeDependencies(
      graph([
        ['InputLayer', 'in', {}, [], [4]],
        ['Dense', 'dense_1', { units: 8, activation: 'relu' }, ['in'], [8]],
        ['Dense', 'output', { units: 3, activation: 'softmax' }, ['dense_1'], [3]],
      ]),
    )
    const groups = byProducers(deps)
    expect(Object.keys(groups)).toEqual(['dense_1', 'output'])
    expect(groups.dense_1).toMatchObject({ size: 8, blockers: [] })
    expect(groups.dense_1.pinned).toBeUndefined()
    expect(groups.output.pinned).toBe('a model output (output)')
    expect(deps.groups.find((g) => g.producers.length === 0)?.pinned).toBe('a model input')
    expect(deps.resizes).toEqual([
      { layer: 'dense_1', key: 'units', group: groups.dense_1.id },
      { layer: 'output', key: 'units', group: groups.output.id },
    ])
    // output's kernel reads dense_1's units on axis 0
    expect(deps.slices.filter((s) => s.layer === 'output' && s.role === 'input')).toEqual([
      { layer: 'output', weight: 'kernel', axis: 0, layout: deps.layouts.get('dense_1'), role: 'input' },
    ])
  })

  it('couples the channels an Add joins into one group, as DepGraph does', () => {
    const deps = analyzeDependencies(
      graph([
        ['InputLayer', 'in', {}, [], [8, 8, 1]],
        ['Conv2D', 'stem', { filters: 4 }, ['in'], [8, 8, 4]],
        ['BatchNormalization', 'stem_bn', { axis: -1, scale: true }, ['stem'], [8, 8, 4]],
        ['Conv2D', 'conv_a', { filters: 4 }, ['stem_bn'], [8, 8, 4]],
        ['Add', 'add_1', {}, ['conv_a', 'stem_bn'], [8, 8, 4]],
        ['Conv2D', 'conv_b', { filters: 4 }, ['add_1'], [8, 8, 4]],
        ['Add', 'add_2', {}, ['add_1', 'conv_b'], [8, 8, 4]],
        ['GlobalAveragePooling2D', 'gap', {}, ['add_2'], [4]],
        ['Dense', 'output', { units: 2 }, ['gap'], [2]],
      ]),
    )
    const groups = byProducers(deps)
    expect(Object.keys(groups)).toEqual(['stem + conv_a + conv_b', 'output'])
    expect(groups['stem + conv_a + conv_b'].normalizers).toEqual([{ layer: 'stem_bn', offset: 0, expand: 1 }])
    expect(layoutOf(deps, 'gap')).toBe('[stem + conv_a + conv_b]')
  })

  it('maps a channels-last Flatten to positions x channels, and a Concatenate to joined segments', () => {
    const deps = analyzeDependencies(
      graph([
        ['InputLayer', 'in', {}, [], [6, 6, 2]],
        ['Conv2D', 'a', { filters: 3 }, ['in'], [6, 6, 3]],
        ['Conv2D', 'b', { filters: 5 }, ['in'], [6, 6, 5]],
        ['Concatenate', 'cat', { axis: -1 }, ['a', 'in', 'b'], [6, 6, 10]],
        ['MaxPooling2D', 'pool', {}, ['cat'], [3, 3, 10]],
        ['Flatten', 'flat', {}, ['pool'], [90]],
        ['Dense', 'd', { units: 4 }, ['flat'], [4]],
        ['Concatenate', 'cat_2', { axis: -1 }, ['d', 'flat'], [94]],
        ['Dense', 'output', { units: 2 }, ['cat_2'], [2]],
      ]),
    )
    expect(layoutOf(deps, 'cat')).toBe('[a, fixed, b]')
    expect(layoutOf(deps, 'flat')).toBe('9 x [a, fixed, b]')
    expect(layoutOf(deps, 'cat_2')).toBe('[d] + 9 x [a, fixed, b]')
    expect(Object.values(byProducers(deps)).every((g) => g.blockers.length === 0)).toBe(true)
  })

  it('follows a depthwise convolution: each channel owns depthMultiplier outputs', () => {
    const deps = analyzeDependencies(
      graph([
        ['InputLayer', 'in', {}, [], [6, 6, 1]],
        ['Conv2D', 'conv', { filters: 4, activation: 'relu' }, ['in'], [6, 6, 4]],
        ['DepthwiseConv2D', 'dw', { depthMultiplier: 3, activation: 'relu' }, ['conv'], [6, 6, 12]],
        ['BatchNormalization', 'bn', { axis: -1 }, ['dw'], [6, 6, 12]],
        ['Conv2D', 'output', { filters: 2 }, ['bn'], [6, 6, 2]],
      ]),
    )
    expect(layoutOf(deps, 'dw')).toBe('[conv x3]')
    expect(byProducers(deps).conv.normalizers).toEqual([{ layer: 'bn', offset: 0, expand: 3 }])
    expect(deps.slices.filter((s) => s.layer === 'dw').map((s) => [s.weight, s.axis, s.role])).toEqual([
      ['depthwise_kernel', 2, 'input'],
      ['bias', 0, 'unit'],
    ])
  })

  it.each([
    ['a sigmoid Dense', ['Dense', 'hidden', { units: 4, activation: 'sigmoid' }, ['in'], [4]], [], /hidden \(Dense\): activation sigmoid does not map 0 to 0/],
    ['a softmax Activation', ['Dense', 'hidden', { units: 4 }, ['in'], [4]], [['Activation', 'act', { activation: 'softmax' }, ['hidden'], [4]]], /act \(Activation\): activation softmax normalises across the channels/],
    ['a Reshape', ['Dense', 'hidden', { units: 4 }, ['in'], [4]], [['Reshape', 'act', { targetShape: [2, 2] }, ['hidden'], [2, 2]]], /act \(Reshape\) is not supported by structured pruning/],
    ['a BatchNorm without scale', ['Dense', 'hidden', { units: 4 }, ['in'], [4]], [['BatchNormalization', 'act', { axis: -1, scale: false }, ['hidden'], [4]]], /act \(BatchNormalization\) has no scale/],
    ['a BatchNorm on another axis', ['Dense', 'hidden', { units: 4 }, ['in'], [3, 4]], [['BatchNormalization', 'act', { axis: 1 }, ['hidden'], [3, 4]]], /act \(BatchNormalization\) normalises axis 1/],
  ] as const)('blocks a group behind %s, naming the layer', (_, producer, rest, reason) => {
    const last = rest.length ? rest[rest.length - 1][1] : producer[1]
    const deps = analyzeDependencies(
      graph([
        ['InputLayer', 'in', {}, [], [3]],
        producer as unknown as [string, string, Record<string, unknown>, string[], number[]],
        ...(rest as unknown as Array<[string, string, Record<string, unknown>, string[], number[]]>),
        ['Flatten', 'flat', {}, [last], [4]],
        ['Dense', 'output', { units: 2 }, ['flat'], [2]],
      ]),
    )
    expect(byProducers(deps).hidden.blockers.join('\n')).toMatch(reason)
  })

  it('blocks an Add of channels that do not line up, and a shared layer', () => {
    const shared = graph([
      ['InputLayer', 'in', {}, [], [4]],
      ['Dense', 'a', { units: 4 }, ['in'], [4]],
      ['Dense', 'b', { units: 2 }, ['in'], [2]],
      ['Dense', 'c', { units: 2 }, ['in'], [2]],
      ['Concatenate', 'bc', {}, ['b', 'c'], [4]],
      ['Add', 'add', {}, ['a', 'bc'], [4]],
      ['Dense', 'twice', { units: 4 }, ['add'], [4]],
      ['Dense', 'output', { units: 2 }, ['twice'], [2]],
    ])
    shared.nodes[6].calls = 2
    const deps = analyzeDependencies(shared)
    const groups = byProducers(deps)
    expect(groups.a.blockers).toEqual(['add (Add) combines channels that do not line up one to one ([a] and [b, c])', 'twice (Dense) is applied 2 times (a shared layer)'])
    expect(groups.b.blockers).toEqual(groups.a.blockers.slice(0, 1))
    const twice = deps.groups.find((g) => g.id === deps.layouts.get('twice')![0].segments[0].group)!
    expect(twice.producers).toEqual([]) // a shared layer's units are never resized
    expect(twice.pinned).toMatch(/the output of twice \(Dense\)/)
  })

  it('pins groups tied to the model input by an Add, so they are skipped rather than refused', () => {
    const deps = analyzeDependencies(
      graph([
        ['InputLayer', 'in', {}, [], [4]],
        ['Dense', 'a', { units: 4 }, ['in'], [4]],
        ['Add', 'add', {}, ['in', 'a'], [4]],
        ['Dense', 'output', { units: 2 }, ['add'], [2]],
      ]),
    )
    expect(byProducers(deps).a.pinned).toBe('a model input')
  })
})
