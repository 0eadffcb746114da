// The pipeline's thread: runs the config on the wasm backend and posts every reporter event to the page.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm'
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'
import * as tf from '@tensorflow/tfjs-core'
import { defineModel, PrunableModel, runPipeline, type Reporter } from '@prunekit/core'
import { fileModelName, fileModelSchema } from '@prunekit/core/internal'
import { exportArtifacts, loadModel, modelFilesOf, outputIndex, predictionModel, readModelFiles, type ModelFiles } from '@prunekit/models'
import type { DownloadFormat, ExportedModel, FromWorker, ToWorker } from './protocol.js'
import { createPlaygroundRegistry } from './registry.js'

// vite emits the .wasm files beside the bundle (hashed names): tfjs fetches them from there.
setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl })

const post = (message: FromWorker) => (self as unknown as Worker).postMessage(message)

/** `model: { path }` read from the dropped files (with the same checks as files on disk) instead of a file system. */
const droppedModel = (files: ModelFiles) =>
  defineModel({
    name: fileModelName,
    description: 'The model dropped on the page (model.json + shards)',
    options: fileModelSchema,
    async build(options) {
      const model = await loadModel(await readModelFiles(files, options.path, { maxBytes: options.maxBytes }), { allowNonFinite: options.allowNonFinite })
      return new PrunableModel(predictionModel(model, outputIndex(model, options.output, options.path)))
    },
  })

const forward: Reporter = {
  onRunStart: (run) => post({ type: 'runStart', run }),
  onStepStart: ({ name, index, total }) => post({ type: 'stepStart', name, index, total }),
  onProgress: (progress) => post({ type: 'progress', progress }),
  onSnapshot: (snapshot) => post({ type: 'snapshot', snapshot }),
  onStepEnd: (step) => post({ type: 'stepEnd', step }),
}

async function exported(model: PrunableModel, download: DownloadFormat): Promise<ExportedModel> {
  model.applyMasks()
  const files = modelFilesOf(await exportArtifacts(model.model, { quantize: download.quantize }), download.format)
  const description = `${download.format === 'sparse' ? 'sparse format' : 'stock tfjs Layers format'}, ${download.quantize ?? 'float32'}`
  return { files: [...files], description }
}

let controller: AbortController | undefined

async function run(request: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  controller = new AbortController()
  const registry = createPlaygroundRegistry()
  registry.models.add(droppedModel(new Map(request.modelFiles)), { override: true })
  let model: PrunableModel | undefined
  let end: FromWorker
  try {
    const result = await runPipeline(request.config, { registry, quiet: true, keepModel: true, signal: controller.signal, reporters: [forward], source: 'the page' })
    model = result.model
    const download = model && !result.interrupted ? await exported(model, request.download) : undefined
    end = { type: 'done', seconds: result.seconds, interrupted: result.interrupted, model: download, tensors: 0 }
  } catch (error) {
    end = { type: 'error', message: error instanceof Error ? error.message : String(error), tensors: 0 }
  } finally {
    model?.dispose()
    controller = undefined
  }
  // Tensors still alive once the run is over: 0 unless something leaked (the tests check it).
  post({ ...end, tensors: tf.memory().numTensors })
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data
  if (message.type === 'run') void run(message)
  else controller?.abort('stopped on the page')
}
