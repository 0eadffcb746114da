import { zipSync } from 'fflate'
import type { Snapshot } from '@prunekit/core'
import type { JsonSchema } from '@prunekit/core/internal'
import { configYaml } from '@prunekit/reporters/internal'
import builtCatalog from 'virtual:prunekit-catalog'
import { readDrop, type DroppedModel } from './dropped-files.js'
import type { Catalog, DownloadFormat, ExportedModel, FromWorker, ToWorker } from './protocol.js'
import { reportView } from './report-view.js'
import { cliConfig, cliNotes, pageConfig, type Choices, type DataChoice, type ModelChoice } from './run-config.js'
import { renderOptions, type ReadOptions } from './schema-form.js'

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T
const select = (id: string) => $<HTMLSelectElement>(id)
const number = (id: string) => Number($<HTMLInputElement>(id).value)
const ui = {
  form: $<HTMLFormElement>('setup'),
  run: $<HTMLButtonElement>('run'),
  stop: $<HTMLButtonElement>('stop'),
  progress: $<HTMLProgressElement>('progress'),
  status: $('status'),
  error: $('error'),
  results: $('results'),
  downloads: $('downloads'),
  report: $<HTMLIFrameElement>('report'),
  drop: $('drop'),
  dropped: $('dropped'),
}

let catalog: Catalog | undefined
let dropped: DroppedModel | undefined
let csv: { name: string; text: string } | undefined
let digits: Promise<string> | undefined
const forms: Record<'model' | 'data' | 'strategy' | 'schedule', ReadOptions> = { model: () => ({}), data: () => ({}), strategy: () => ({}), schedule: () => ({}) }

const schemaOf = (list: Catalog[keyof Catalog], name: string): JsonSchema => list.find((e) => e.name === name)?.schema ?? {}

function showError(message: string | undefined): void {
  ui.error.hidden = !message
  ui.error.textContent = message ?? ''
}

// --- the worker: one per run, so Stop can always end a run, even one stuck in a long kernel ---

let worker: Worker | undefined
function startWorker(): Worker {
  const w = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })
  w.onerror = (event) => finish(`The worker failed: ${event.message}`)
  w.onmessage = (event: MessageEvent<FromWorker>) => onWorkerMessage(event.data)
  return w
}

// --- forms from the registry's schemas ---

function renderModelOptions(): void {
  const choice = select('model').value
  const container = $('model-options')
  if (choice === 'dropped') {
    const outputs = dropped?.outputs ?? []
    forms.model = renderOptions(container, outputs.length > 1 ? { properties: { output: { type: 'string', enum: outputs, description: 'The output to train and evaluate (the model lists several)' } } } : {}, 'model', { output: outputs.at(-1) })
  } else forms.model = renderOptions(container, schemaOf(catalog!.models, choice), 'model')
}

function renderDataOptions(): void {
  const choice = select('data').value
  const container = $('data-options')
  if (choice === 'digits' || choice === 'csv') {
    // The digits are pixel values in [0, 1], as the models expect them: not standardized.
    forms.data = renderOptions(container, schemaOf(catalog!.datasets, 'csv'), 'data', choice === 'digits' ? { standardize: false } : {}, ['path', 'text', 'label'])
  } else forms.data = renderOptions(container, schemaOf(catalog!.datasets, choice), 'data')
}

function renderStrategyOptions(): void {
  const schedule = select('schedule').value
  forms.strategy = renderOptions($('strategy-options'), schemaOf(catalog!.strategies, select('strategy').value), 'strategy', { sparsity: 0.8 }, schedule ? ['sparsity', 'threshold'] : ['threshold'])
  forms.schedule = schedule ? renderOptions($('schedule-options'), schemaOf(catalog!.schedules, schedule), 'schedule', { finalSparsity: 0.8, endStep: 25, value: 0.8 }) : (renderOptions($('schedule-options'), {}, 'schedule'), () => ({}))
}

function onCatalog(c: Catalog): void {
  catalog = c
  const models = select('model')
  for (const m of c.models) models.add(new Option(`${m.name}: ${m.description}`, m.name, false, m.name === 'lenet-300-100'))
  for (const s of c.strategies) select('strategy').add(new Option(s.name, s.name, false, s.name === 'magnitude'))
  for (const s of c.schedules) select('schedule').add(new Option(`gradual while fine-tuning: ${s.name}`, s.name))
  renderModelOptions()
  renderDataOptions()
  renderStrategyOptions()
  ui.form.setAttribute('aria-busy', 'false')
  ui.run.disabled = false
  ui.status.textContent = 'Ready: drop a model or pick one, then Prune.'
  performance.mark('prunekit:form-ready')
}

// --- dropped files ---

async function onFiles(files: readonly File[]): Promise<void> {
  showError(undefined)
  try {
    const drop = await readDrop(files)
    if ('problem' in drop) return showError(drop.problem)
    if ('csv' in drop) {
      csv = drop.csv
      const option = select('data').querySelector<HTMLOptionElement>('option[value="csv"]')!
      option.disabled = false
      option.textContent = `your CSV: ${csv.name}`
      select('data').value = 'csv'
      renderDataOptions()
      ui.dropped.textContent = `Data: ${csv.name} (${csv.text.length.toLocaleString('en-US')} characters).`
      return
    }
    dropped = drop.model
    const models = select('model')
    models.querySelector('option[value="dropped"]')?.remove()
    models.add(new Option(`your model: ${dropped.modelJson}`, 'dropped', true, true), 0)
    renderModelOptions()
    ui.dropped.textContent = `Model: ${[...dropped.files].map(([name, bytes]) => `${name} (${bytes.byteLength.toLocaleString('en-US')} bytes)`).join(', ')}.`
  } catch (error) {
    showError((error as Error).message)
  }
}

ui.drop.addEventListener('dragover', (e) => {
  e.preventDefault()
  ui.drop.classList.add('over')
})
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'))
ui.drop.addEventListener('drop', (e) => {
  e.preventDefault()
  ui.drop.classList.remove('over')
  void onFiles([...(e.dataTransfer?.files ?? [])])
})
// The drop zone is focusable: Enter or Space opens the file picker, for those who do not drag.
ui.drop.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return
  e.preventDefault()
  $<HTMLInputElement>('files').click()
})
$<HTMLInputElement>('files').addEventListener('change', (e) => void onFiles([...((e.target as HTMLInputElement).files ?? [])]))
select('model').addEventListener('change', renderModelOptions)
select('data').addEventListener('change', renderDataOptions)
select('strategy').addEventListener('change', renderStrategyOptions)
select('schedule').addEventListener('change', renderStrategyOptions)

// --- a run ---

async function choices(): Promise<Choices> {
  const model: ModelChoice = select('model').value === 'dropped' && dropped ? { file: dropped.modelJson, ...forms.model() } : { zoo: select('model').value, options: forms.model() }
  const dataName = select('data').value
  let data: DataChoice
  if (dataName === 'digits') {
    digits ??= fetch(new URL('digits.csv', document.baseURI)).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`digits.csv: HTTP ${r.status}`))))
    data = { csv: 'digits.csv', text: await digits, options: forms.data() }
  } else if (dataName === 'csv' && csv) data = { csv: csv.name, text: csv.text, options: forms.data() }
  else data = { dataset: dataName, options: forms.data() }
  const [format, quantize] = select('download').value.split(':') as [DownloadFormat['format'], DownloadFormat['quantize']]
  const schedule = select('schedule').value
  return {
    seed: number('seed'),
    model,
    data,
    trainEpochs: number('train-epochs'),
    finetuneEpochs: number('finetune-epochs'),
    learningRate: number('learning-rate'),
    batchSize: number('batch-size'),
    strategy: select('strategy').value,
    strategyOptions: forms.strategy(),
    schedule: schedule ? { name: schedule, options: forms.schedule() } : undefined,
    download: { format, ...(quantize ? { quantize } : {}) },
  }
}

let view: ReturnType<typeof reportView> | undefined
let lastSnapshot: Snapshot | undefined

/** The last snapshot's headline, e.g. " finetuned: accuracy 0.9650, sparsity 80.00%". */
function outcome(): string {
  const metrics = lastSnapshot?.metrics ?? {}
  const parts = [typeof metrics.accuracy === 'number' ? `accuracy ${metrics.accuracy.toFixed(4)}` : '', typeof metrics.sparsity === 'number' ? `sparsity ${(100 * metrics.sparsity).toFixed(2)}%` : ''].filter(Boolean)
  return lastSnapshot && parts.length ? ` ${lastSnapshot.label}: ${parts.join(', ')}.` : ''
}
let current: Choices | undefined

function running(on: boolean): void {
  ui.run.disabled = on
  ui.stop.disabled = !on
  ui.form.setAttribute('aria-busy', String(on))
}

function finish(error?: string): void {
  running(false)
  if (error) {
    showError(error)
    ui.status.textContent = 'The run failed.'
    // A failed worker may hold a broken state: the next run gets a fresh one.
    worker?.terminate()
    worker = startWorker()
onCatalog(builtCatalog)
  }
}

ui.form.addEventListener('submit', (e) => {
  e.preventDefault()
  void (async () => {
    showError(undefined)
    running(true)
    ui.status.textContent = 'Loading the data…'
    ui.progress.value = 0
    try {
      current = await choices()
    } catch (error) {
      return finish((error as Error).message)
    }
    ui.downloads.replaceChildren()
    ui.results.hidden = true
    view = reportView(ui.report)
    lastSnapshot = undefined
    const request: ToWorker = { type: 'run', config: pageConfig(current), modelFiles: 'file' in current.model && dropped ? [...dropped.files] : [], download: current.download }
    worker!.postMessage(request)
    ui.status.textContent = 'Starting the run…'
  })()
})

ui.stop.addEventListener('click', () => {
  worker?.postMessage({ type: 'stop' } satisfies ToWorker)
  ui.status.textContent = 'Stopping after the current batch…'
  ui.stop.disabled = true
})

function download(name: string, bytes: BlobPart, type: string): HTMLAnchorElement {
  const a = document.createElement('a')
  a.className = 'button'
  a.download = name
  a.href = URL.createObjectURL(new Blob([bytes], { type }))
  return a
}

function offerDownloads(model: ExportedModel | undefined): void {
  const links: HTMLAnchorElement[] = []
  if (model) {
    const zip = zipSync(Object.fromEntries(model.files))
    const a = download('pruned-model.zip', zip as BlobPart, 'application/zip')
    const bytes = model.files.reduce((n, [, b]) => n + b.byteLength, 0)
    a.textContent = `Download the model (${model.description}, ${bytes.toLocaleString('en-US')} bytes)`
    a.id = 'download-model'
    links.push(a)
  }
  if (current) {
    const yaml = download('prunekit.yaml', `${cliNotes(current)}${configYaml(cliConfig(current))}`, 'text/yaml')
    yaml.textContent = 'Download prunekit.yaml'
    yaml.id = 'download-yaml'
    yaml.classList.add('secondary')
    links.push(yaml)
  }
  ui.downloads.replaceChildren(...links)
}

function onWorkerMessage(message: FromWorker): void {
  if ('tensors' in message) ui.status.dataset.tensors = String(message.tensors)
  switch (message.type) {
    case 'runStart':
      ui.status.textContent = `${message.run.model.name} (${message.run.model.params.toLocaleString('en-US')} params) on ${message.run.data.name}, ${message.run.backend.name}${message.run.backend.simd ? ' SIMD' : ''}`
      ui.results.hidden = false
      return view?.onRunStart(message.run)
    case 'stepStart':
      ui.status.textContent = `Step ${message.index + 1} of ${message.total}: ${message.name}…`
      ui.progress.value = message.index / message.total
      return
    case 'progress': {
      const p = message.progress
      ui.progress.value = (p.step.index + ((p.epoch - 1) * p.batches + p.batch) / (p.epochs * p.batches)) / p.step.total
      ui.status.textContent = `Step ${p.step.index + 1} of ${p.step.total}: ${p.step.name}, epoch ${p.epoch} of ${p.epochs}, batch ${p.batch} of ${p.batches}`
      return view?.onProgress(p)
    }
    case 'snapshot':
      lastSnapshot = message.snapshot
      return view?.onSnapshot(message.snapshot)
    case 'stepEnd':
      return view?.onStepEnd(message.step)
    case 'error':
      return finish(message.message)
    case 'done': {
      view?.onEnd(message.seconds, message.interrupted)
      ui.progress.value = message.interrupted ? ui.progress.value : 1
      ui.status.textContent = message.interrupted ? `Stopped: ${message.interrupted.message}` : `Done in ${message.seconds.toFixed(1)} s.${outcome()}`
      offerDownloads(message.model)
      return finish()
    }
  }
}

worker = startWorker()
onCatalog(builtCatalog)
