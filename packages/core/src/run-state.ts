import * as tf from '@tensorflow/tfjs-core'
import { Checkpoint, type CheckpointRecord } from './checkpoint.js'
import type { PipelineConfig } from './config.js'
import { RunStateError } from './errors.js'
import type { Snapshot } from './metric.js'
import { disposeSlotState, type SlotState } from './model-slot.js'
import type { RunContext } from './registry.js'
import type { StepEndInfo } from './reporter.js'

/** Where a train / finetune step stood at the end of an epoch. */
export interface FitPosition {
  /** Epochs finished (1-based count). */
  epoch: number
  /** Optimizer steps taken in this fit so far (a gradual-pruning schedule's clock). */
  step: number
  /** Times a scheduled strategy ran in this fit, and the sparsity it last ran at. */
  prunes: number
  sparsity: number
}

/** What the pipeline gives a step whose fit can stop and go on at epoch ends. */
export interface ResumableFit {
  /** On a resumed run: where this step's fit stood when the state was saved. */
  start?: FitPosition
  /** Called at the end of every epoch (the pipeline saves the run's state there). */
  epochEnd(position: FitPosition): Promise<void>
}

/** Where a run stands: the step to run next, or, with `fit`, the epoch reached inside that step. */
export interface RunPosition {
  step: number
  fit?: FitPosition
}

/**
 * The whole state of a run between two steps or at the end of an epoch: what `runPipeline`'s
 * `resume` goes on from, and what `prunekit run --resume` reads from disk.
 */
export interface RunState {
  /** The run's resolved config, to check a resume against ({@link configChanges}). */
  config: PipelineConfig
  position: RunPosition
  /** The run's generator ({@link Rng.getState}). */
  rng: number
  history: Snapshot[]
  /** The finished steps, as reporters saw them. */
  steps: StepEndInfo[]
  /** The model, its masks and architecture, its checkpoints and the optimizers' state (copies). */
  slot: SlotState
}

/** Copies of everything the run holds now; the caller disposes them ({@link disposeRunState}). */
export function captureRunState(ctx: RunContext, steps: readonly StepEndInfo[], position: RunPosition): RunState {
  return { config: ctx.config, position, rng: ctx.rng.getState(), history: structuredClone(ctx.history), steps: structuredClone([...steps]), slot: ctx.slot.capture() }
}

export function disposeRunState(state: RunState): void {
  disposeSlotState(state.slot)
}

/** The config keys (dot paths) whose values differ between two runs' configs, `out` aside (a resumed run may move). */
export function configChanges(saved: PipelineConfig, current: PipelineConfig): string[] {
  const changes: string[] = []
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)])
      for (const key of keys) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], path ? `${path}.${key}` : key)
    } else if (JSON.stringify(a) !== JSON.stringify(b)) changes.push(path || '(root)')
  }
  walk({ ...saved, out: undefined }, { ...current, out: undefined }, '')
  return changes
}

const magic = 'prunekit-run-state'
const version = 1

interface TensorSpec {
  shape: number[]
  dtype: 'float32' | 'int32'
  offset: number
}

/**
 * The state as bytes: a JSON header (tensors, maps and typed arrays marked) followed by the tensors'
 * raw values. Reading it back with {@link decodeRunState} gives the same numbers, bit for bit.
 */
export function encodeRunState(state: RunState): Uint8Array {
  const specs: TensorSpec[] = []
  const chunks: Uint8Array[] = []
  let offset = 0
  const replacer = (_key: string, value: unknown): unknown => {
    if (value instanceof tf.Tensor) {
      if (value.dtype !== 'float32' && value.dtype !== 'int32') throw new RunStateError(`Cannot save a ${value.dtype} tensor in a run state: only float32 and int32 are supported.`)
      const data = value.dataSync() as Float32Array | Int32Array
      chunks.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
      specs.push({ shape: value.shape, dtype: value.dtype, offset })
      offset += data.byteLength
      return { $tensor: specs.length - 1 }
    }
    if (value instanceof Checkpoint) return { $checkpoint: value.record() }
    if (value instanceof Map) return { $map: [...value] }
    if (value instanceof Int32Array) return { $int32: [...value] }
    return value
  }
  const body = JSON.stringify(state, replacer)
  const header = new TextEncoder().encode(JSON.stringify({ magic, version, specs, body }))
  const bytes = new Uint8Array(4 + header.length + offset)
  new DataView(bytes.buffer).setUint32(0, header.length, true)
  bytes.set(header, 4)
  let at = 4 + header.length
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.length
  }
  return bytes
}

/** Reads bytes {@link encodeRunState} wrote; `source` (a file name) goes into the error when they are not a run state or are cut short. */
export function decodeRunState(bytes: Uint8Array, source: string): RunState {
  const fail = (why: string, cause?: unknown): never => {
    throw new RunStateError(`${source} is not a usable run state: ${why}. Start the run again without --resume.`, { cause })
  }
  if (bytes.length < 4) fail('the file is empty or cut short')
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true)
  if (4 + length > bytes.length) fail(`its header says ${length} bytes but the file has ${bytes.length - 4}`)
  let header: { magic?: unknown; version?: unknown; specs?: TensorSpec[]; body?: string }
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(4, 4 + length)))
  } catch (cause) {
    return fail('its header is not valid JSON', cause)
  }
  if (header?.magic !== magic) fail('it is not a prunekit run state')
  if (header.version !== version) fail(`it was written by a different prunekit (format ${String(header.version)}, this one reads ${version})`)
  const data = bytes.subarray(4 + length)
  const made: tf.Tensor[] = []
  const tensorAt = (index: number): tf.Tensor => {
    const spec = header.specs?.[index]
    if (!spec) return fail(`tensor ${index} is not listed`)
    const count = spec.shape.reduce((a, b) => a * b, 1)
    if (spec.offset + count * 4 > data.length) fail(`tensor ${index} runs past the end of the file (${data.length} bytes of values)`)
    const raw = new Uint8Array(data.subarray(spec.offset, spec.offset + count * 4)) // a copy, aligned
    const tensor = tf.tensor(spec.dtype === 'int32' ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer), spec.shape, spec.dtype)
    made.push(tensor)
    return tensor
  }
  const checkpoints: Checkpoint[] = []
  try {
    const state = JSON.parse(header.body ?? fail('it has no body'), (_key, value: unknown) => {
      if (!value || typeof value !== 'object') return value
      const marked = value as { $tensor?: number; $map?: Array<[string, unknown]>; $int32?: number[]; $checkpoint?: CheckpointRecord }
      if (marked.$tensor !== undefined) return tensorAt(marked.$tensor)
      if (marked.$map) return new Map(marked.$map)
      if (marked.$int32) return Int32Array.from(marked.$int32)
      if (marked.$checkpoint) {
        const { weights, masks } = marked.$checkpoint
        checkpoints.push(Checkpoint.fromRecord(marked.$checkpoint))
        tf.dispose([...weights.values(), ...masks.values()]) // the checkpoint holds copies
        return checkpoints.at(-1)
      }
      return value
    }) as RunState
    if (!state.slot?.model || !state.position || typeof state.rng !== 'number') fail('parts of the state are missing')
    return state
  } catch (cause) {
    tf.dispose(made)
    for (const checkpoint of checkpoints) checkpoint.dispose()
    if (cause instanceof RunStateError) throw cause
    return fail((cause as Error)?.message ?? String(cause), cause)
  }
}
