// Worker threads that run the kernels on the engine's shared memory: each takes a slice of the batch of an op
// while the calling thread runs its own slice, then the caller waits. Node.js only (worker_threads).

const workerSource = String.raw`
const { workerData } = require('worker_threads')
const { module, memory, control, names, spins } = workerData
const exported = new WebAssembly.Instance(module, { env: { memory } }).exports
const kernels = names.map((name) => exported[name])
const state = new Int32Array(control, 0, 4)
const args = new Float64Array(control, 16)
let seen = 0
for (;;) {
  for (let i = 0; Atomics.load(state, 0) === seen; i++) if (i > spins) Atomics.wait(state, 0, seen)
  seen = Atomics.load(state, 0)
  const kernel = state[1]
  if (kernel < 0) break
  try {
    kernels[kernel].apply(null, Array.from(args.subarray(0, state[2])))
    Atomics.store(state, 2, 0)
  } catch {
    Atomics.store(state, 2, -1)
  }
  Atomics.store(state, 3, seen)
  Atomics.notify(state, 3)
}
`

interface NodeWorker {
  unref(): void
  terminate(): Promise<number>
}

type WorkerThreads = { Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker }

/** Node's worker_threads, loaded without an import statement so that browser bundles never see it. */
function workerThreads(): WorkerThreads | null {
  const node = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process
  return (node?.getBuiltinModule?.('worker_threads') as WorkerThreads | undefined) ?? null
}

/** Whether kernels can run on worker threads here (Node.js 20.16+ with SharedArrayBuffer). */
export function threadsSupported(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && workerThreads() !== null
}

// Busy-wait iterations before sleeping on Atomics.wait: an op's slice takes tens of microseconds to milliseconds,
// and waking a sleeping thread costs tens of microseconds.
const spins = 20_000

/** One worker thread with its own instance of the kernels on the shared memory. */
class KernelThread {
  private readonly worker: NodeWorker
  private readonly state: Int32Array
  private readonly args: Float64Array
  private seq = 0

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, names: readonly string[]) {
    const control = new SharedArrayBuffer(16 + 8 * 64)
    this.state = new Int32Array(control, 0, 4)
    this.args = new Float64Array(control, 16)
    const { Worker } = workerThreads()!
    this.worker = new Worker(workerSource, { eval: true, workerData: { module, memory, control, names, spins } })
    this.worker.unref()
  }

  start(kernel: number, args: readonly number[]): void {
    this.args.set(args)
    this.state[1] = kernel
    this.state[2] = args.length
    this.seq = Atomics.add(this.state, 0, 1) + 1
    Atomics.notify(this.state, 0)
  }

  /** Waits for the started kernel; false if it failed. */
  join(): boolean {
    for (let i = 0; ; i++) {
      const done = Atomics.load(this.state, 3)
      if (done === this.seq) return Atomics.load(this.state, 2) === 0
      if (i > spins) Atomics.wait(this.state, 3, done, 1000)
    }
  }

  stop(): void {
    this.start(-1, [])
    void this.worker.terminate()
  }
}

/** Worker threads for the kernels of one heap; the calling thread is the first of `count`. */
export class KernelThreads {
  private readonly threads: KernelThread[]
  private readonly index: Map<string, number>

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory, readonly count: number) {
    if (!threadsSupported()) throw new Error('Worker threads need Node.js 20.16+ with SharedArrayBuffer.')
    const names = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name)
    this.index = new Map(names.map((name, i) => [name, i]))
    this.threads = Array.from({ length: count - 1 }, () => new KernelThread(module, memory, names))
  }

  /** Starts kernel `name` on worker `worker` (0-based) with these arguments. */
  start(worker: number, name: string, args: readonly number[]): void {
    const kernel = this.index.get(name)
    if (kernel === undefined) throw new Error(`No kernel ${name}`)
    this.threads[worker].start(kernel, args)
  }

  /** Waits for every started worker. */
  join(count: number): void {
    let failed = false
    for (let w = 0; w < count; w++) failed = !this.threads[w].join() || failed
    if (failed) throw new Error('A train-wasm kernel failed on a worker thread.')
  }

  dispose(): void {
    for (const thread of this.threads) thread.stop()
  }
}
