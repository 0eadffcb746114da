import type * as tfl from '@tensorflow/tfjs-layers'

type Layer = tfl.layers.Layer
type SymbolicTensor = tfl.SymbolicTensor

/** One layer call of the model: its layer, the tensors it reads and the one it writes (shapes without the batch). */
export interface LayerCall {
  layer: Layer
  className: string
  config: Record<string, unknown>
  inputs: number[]
  output: number
  inputShapes: number[][]
  outputShape: number[]
}

/** The model as a list of layer calls in an order where every input is computed before it is read. */
export interface LayerGraph {
  input: { id: number; shape: number[] }
  output: number
  calls: LayerCall[]
}

/** Raised for a model the engine cannot train; the message names the layer and what it lacks. */
export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError'
}

const perSample = (shape: Array<number | null>, what: string): number[] => {
  const dims = shape.slice(1)
  if (dims.some((d) => d === null || d <= 0)) throw new UnsupportedModelError(`${what} has an unknown dimension: [${shape.join(', ')}]`)
  return dims as number[]
}

/** tfjs's container of a model's nodes: a Sequential keeps them in its inner functional model. */
function container(model: tfl.LayersModel): tfl.LayersModel & { containerNodes: Set<string> } {
  const sequential = model as unknown as { model?: tfl.LayersModel; build(): void }
  if (model.getClassName() !== 'Sequential') return model as tfl.LayersModel & { containerNodes: Set<string> }
  if (!sequential.model) sequential.build() // tfjs builds a Sequential's inner model on first use
  return sequential.model as tfl.LayersModel & { containerNodes: Set<string> }
}

/** Reads the model's layer calls from tfjs-layers' graph (one single-input model, one output). */
export function readGraph(model: tfl.LayersModel): LayerGraph {
  const graph = container(model)
  if (graph.inputs.length !== 1) throw new UnsupportedModelError(`the model has ${graph.inputs.length} inputs (the engine trains single-input models)`)
  if (graph.outputs.length !== 1) throw new UnsupportedModelError(`the model has ${graph.outputs.length} outputs (the engine trains single-output models)`)
  const input = graph.inputs[0] as SymbolicTensor
  const pending: LayerCall[] = []
  for (const layer of graph.layers) {
    if (layer.getClassName() === 'InputLayer') continue
    const nodes = layer.inboundNodes.filter((_, i) => graph.containerNodes.has(`${layer.name}_ib-${i}`))
    if (nodes.length !== 1) throw new UnsupportedModelError(`layer "${layer.name}" is called ${nodes.length} times in the model (the engine trains layers called once)`)
    const node = nodes[0] as unknown as { inputTensors: SymbolicTensor[]; outputTensors: SymbolicTensor[] }
    if (node.outputTensors.length !== 1) throw new UnsupportedModelError(`layer "${layer.name}" has ${node.outputTensors.length} outputs`)
    pending.push({
      layer,
      className: layer.getClassName(),
      config: layer.getConfig() as Record<string, unknown>,
      inputs: node.inputTensors.map((t) => t.id),
      output: node.outputTensors[0].id,
      inputShapes: node.inputTensors.map((t) => perSample(t.shape, `the input of layer "${layer.name}"`)),
      outputShape: perSample(node.outputTensors[0].shape, `the output of layer "${layer.name}"`),
    })
  }
  // Layers in an order where each one's inputs exist before it runs (tfjs lists them by depth already).
  const known = new Set([input.id])
  const calls: LayerCall[] = []
  while (pending.length) {
    const next = pending.findIndex((call) => call.inputs.every((id) => known.has(id)))
    if (next < 0) throw new UnsupportedModelError(`layer "${pending[0].layer.name}" reads a tensor no layer of the model computes`)
    const [call] = pending.splice(next, 1)
    calls.push(call)
    known.add(call.output)
  }
  const output = (graph.outputs[0] as SymbolicTensor).id
  if (!known.has(output)) throw new UnsupportedModelError('the model output is not computed by its layers')
  const read = new Set(calls.flatMap((call) => call.inputs))
  const unused = calls.find((call) => call.output !== output && !read.has(call.output))
  if (unused) throw new UnsupportedModelError(`the output of layer "${unused.layer.name}" is not used by the model`)
  return { input: { id: input.id, shape: perSample(input.shape, 'the model input') }, output, calls }
}
