import { Groups, type ChannelGroup } from './channel-groups.js'
import type { LayerNode, ModelGraph } from './graph.js'
import { activationProblem, isChannelsFirst, mergeKinds, passThroughKinds, producerKinds } from './layer-kinds.js'
import { describeLayout, groupsIn, normalizeLayout, sameShape, singleGroup, type GroupId, type Layout } from './layout.js'

/**
 * One axis of one weight that follows a layout. `unit` slices are the removed units' own parameters
 * (zeroing them zeroes the channel); `input` slices are the axes that read the channels.
 */
export interface WeightSlice {
  layer: string
  /** The weight's short name: kernel, bias, gamma, moving_mean, depthwise_kernel ... */
  weight: string
  axis: number
  layout: Layout
  role: 'unit' | 'input'
}

/** A config key of a producer that becomes the kept count of its group. */
export interface Resize {
  layer: string
  key: 'units' | 'filters'
  group: GroupId
}

export interface Dependencies {
  groups: ChannelGroup[]
  slices: WeightSlice[]
  resizes: Resize[]
  /** The layout of every layer's output. */
  layouts: Map<string, Layout>
}

const label = (node: LayerNode): string => `${node.name} (${node.className})`
const lastDim = (shape: number[]): number => shape.at(-1) ?? 1

/** Which layers' channels are coupled, and which weight axes follow which channels. Pure: reads configs and shapes only. */
export function analyzeDependencies(graph: ModelGraph): Dependencies {
  const groups = new Groups()
  const layouts = new Map<string, Layout>()
  const slices: WeightSlice[] = []
  const resizes: Resize[] = []

  const block = (layout: Layout, reason: string) => groupsIn(layout).forEach((g) => groups.get(g).blockers.push(reason))
  const fresh = (node: LayerNode, pinned: string): Layout => singleGroup(groups.create(Math.max(0, lastDim(node.outputShape)), { pinned }))
  const opaque = (node: LayerNode, inputs: Layout[], why: string): Layout => {
    inputs.forEach((layout) => block(layout, `${label(node)} ${why}`))
    return fresh(node, `the output of ${label(node)}, which structured pruning does not resize`)
  }
  const nameOf = (id: GroupId) => groups.get(id).producers.join(' + ') || 'fixed'

  for (const node of graph.nodes) {
    const inputs = node.inputs.map((name) => {
      const layout = layouts.get(name)
      if (!layout) throw new Error(`Layer ${node.name} reads ${name}, which comes later in the model: the layers are not in topological order.`)
      return layout
    })
    layouts.set(node.name, layoutOf(node, inputs))
  }

  function layoutOf(node: LayerNode, inputs: Layout[]): Layout {
    const { className, config } = node
    const [input] = inputs
    if (className === 'InputLayer') return fresh(node, 'a model input')
    if (node.calls > 1) return opaque(node, inputs, `is applied ${node.calls} times (a shared layer)`)
    if (node.multiOutput) return opaque(node, inputs, 'has several outputs')
    if (inputs.length === 0) return fresh(node, `the output of ${label(node)}`)
    if (isChannelsFirst(config)) return opaque(node, inputs, 'uses channelsFirst data; structured pruning follows channels-last tensors')

    const producer = producerKinds[className]
    if (producer) {
      const units = Number(config[producer.key])
      const own = groups.create(units, { producers: [node.name] })
      const layout = singleGroup(own)
      const problem = activationProblem(config.activation)
      if (problem) block(layout, `${label(node)}: ${problem}`)
      const rank = producer.kernelRank
      slices.push(
        { layer: node.name, weight: 'kernel', axis: rank - 2, layout: input, role: 'input' },
        { layer: node.name, weight: 'kernel', axis: rank - 1, layout, role: 'unit' },
        { layer: node.name, weight: 'bias', axis: 0, layout, role: 'unit' },
      )
      resizes.push({ layer: node.name, key: producer.key, group: own })
      return layout
    }

    if (className === 'DepthwiseConv2D') {
      const multiplier = Number(config.depthMultiplier ?? 1)
      const output: Layout = input.map((b) => ({ positions: b.positions, segments: b.segments.map((s) => ({ group: s.group, expand: s.expand * multiplier })) }))
      const problem = activationProblem(config.activation)
      if (problem) block(input, `${label(node)}: ${problem}`)
      slices.push(
        { layer: node.name, weight: 'depthwise_kernel', axis: 2, layout: input, role: 'input' },
        { layer: node.name, weight: 'bias', axis: 0, layout: output, role: 'unit' },
      )
      return output
    }

    if (className === 'BatchNormalization') {
      const rank = node.inputShapes[0].length
      const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis
      if (axis !== -1 && axis !== rank) return opaque(node, inputs, `normalises axis ${JSON.stringify(config.axis)}, not the channels (last) axis`)
      if (config.scale === false) block(input, `${label(node)} has no scale (gamma), so a removed channel would leave a constant behind`)
      slices.push(
        { layer: node.name, weight: 'gamma', axis: 0, layout: input, role: 'unit' },
        { layer: node.name, weight: 'beta', axis: 0, layout: input, role: 'unit' },
        { layer: node.name, weight: 'moving_mean', axis: 0, layout: input, role: 'input' },
        { layer: node.name, weight: 'moving_variance', axis: 0, layout: input, role: 'input' },
      )
      let offset = 0
      for (const { positions, segments } of input) {
        for (const { group, expand } of segments) {
          if (positions === 1) groups.get(group).normalizers.push({ layer: node.name, offset, expand })
          offset += positions * groups.sizeOf(group) * expand
        }
      }
      return input
    }

    if (className === 'Activation' || className === 'Softmax') {
      const problem = activationProblem(className === 'Softmax' ? 'softmax' : config.activation)
      if (problem) block(input, `${label(node)}: ${problem}`)
      return input
    }

    if (passThroughKinds.has(className)) {
      const flattened = input.some((b) => b.positions !== 1)
      if (flattened && !['Dropout', 'GaussianDropout', 'ReLU', 'ELU', 'LeakyReLU', 'ThresholdedReLU'].includes(className)) {
        return opaque(node, inputs, 'reads flattened channels')
      }
      return input
    }

    if (className === 'Flatten') {
      const spatial = node.inputShapes[0].slice(0, -1)
      if (spatial.length === 0) return input
      if (spatial.some((d) => d < 0)) return opaque(node, inputs, 'flattens a tensor of unknown size')
      const [channels, ...more] = normalizeLayout(input)
      if (more.length || channels.positions !== 1) return opaque(node, inputs, 'flattens channels that are already flattened')
      return [{ positions: spatial.reduce((a, b) => a * b, 1), segments: channels.segments }]
    }

    const channelAxis = (rank: number, axis: unknown) => axis === undefined || axis === -1 || axis === rank
    if (mergeKinds.has(className) || (className === 'Concatenate' && !channelAxis(node.inputShapes[0].length, config.axis))) {
      const aligned = inputs.every((l) => sameShape(l, input, groups.sizeOf))
      if (!aligned) {
        const shapes = inputs.map((l) => describeLayout(l, nameOf)).join(' and ')
        inputs.forEach((l) => block(l, `${label(node)} combines channels that do not line up one to one (${shapes})`))
        return input
      }
      for (const other of inputs.slice(1)) {
        other.forEach((b, i) => b.segments.forEach((s, j) => groups.union(input[i].segments[j].group, s.group)))
      }
      return groups.resolve(input)
    }

    if (className === 'Concatenate') return normalizeLayout(inputs.flat())

    return opaque(node, inputs, 'is not supported by structured pruning')
  }

  for (const name of graph.outputs) {
    const layout = layouts.get(name)
    if (layout) groupsIn(layout).forEach((g) => (groups.get(g).pinned ??= `a model output (${name})`))
  }

  for (const [name, layout] of layouts) layouts.set(name, groups.resolve(layout))
  return {
    groups: groups.roots(),
    slices: slices.map((s) => ({ ...s, layout: groups.resolve(s.layout) })),
    resizes: resizes.map((r) => ({ ...r, group: groups.find(r.group) })),
    layouts,
  }
}

/** A short name for reports and errors: the producers of the group, joined with +. */
export function groupName(group: ChannelGroup): string {
  return group.producers.join(' + ') || `group ${group.id}`
}
