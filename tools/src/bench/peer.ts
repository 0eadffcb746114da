import { countForSparsity, createRegistry, createRng, selectLowest, setupBackend, type Dataset } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { round, type Row, type Suite } from './measure.js'
import { throughput } from './training.js'

const run = promisify(execFile)

/** Debian's python3-torch lives beside the system python; pyenv's python3 does not see it. */
export function findTorchPython(): string | undefined {
  for (const python of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore' })
      return python
    } catch {
      // try the next one
    }
  }
  return undefined
}

/**
 * Python shared by the peer suites: train_speed(model, samples) trains on the first samples of the
 * script's x and y (adam, batch 64, shuffled), one untimed epoch then three timed, and returns the
 * median epoch's samples/s.
 */
export const trainSpeed = String.raw`
def train_speed(model, samples):
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    def epoch():
        perm = torch.randperm(samples)
        for i in range(0, samples, 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    epoch()
    times = []
    for _ in range(3):
        t = time.perf_counter(); epoch(); times.append(time.perf_counter() - t)
    return samples / sorted(times)[1]
`

const script = String.raw`
import sys, time, numpy as np, torch
torch.set_num_threads(2)
torch.manual_seed(0)
x = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, 784))
y = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.int64))
model = torch.nn.Sequential(torch.nn.Linear(784, 300), torch.nn.ReLU(), torch.nn.Linear(300, 100), torch.nn.ReLU(), torch.nn.Linear(100, 10))
${trainSpeed}
print("train", train_speed(model, len(x)))
import torch.nn.utils.prune as prune
layers = [torch.nn.Linear(1, n) for n in (40_000_000, 30_000_000, 20_000_000, 10_000_000)]
t = time.perf_counter()
prune.global_unstructured([(l, "weight") for l in layers], pruning_method=prune.L1Unstructured, amount=0.9)
print("prune", time.perf_counter() - t)
`

/** The train split as x.bin (float32 features) and y.bin (int64 class ids) in `dir`, for a PyTorch script. */
export async function writeTrainSplit(data: Dataset, dir: string): Promise<void> {
  writeFileSync(join(dir, 'x.bin'), new Float32Array(await data.train.x.data()))
  const onehot = await data.train.y.data()
  const ids = new BigInt64Array(data.train.size)
  for (let i = 0; i < data.train.size; i++) for (let c = 0; c < 10; c++) if (onehot[i * 10 + c] === 1) ids[i] = BigInt(c)
  writeFileSync(join(dir, 'y.bin'), ids)
}

export const peerSuite: Suite = {
  name: 'peer',
  description: 'PyTorch on this machine (Debian python3-torch), same model, batch, optimizer and data; same 100M global L1 pruning',
  async run(log) {
    const python = findTorchPython()
    if (!python) {
      log('PyTorch is not installed here (apt-get install python3-torch): peer figures skipped')
      return [{ peer: 'pytorch', skipped: 'python3 -c "import torch" fails on this machine' }]
    }
    await setupBackend('wasm') // the digits are read into tensors: a backend must be up (when this suite runs alone too)
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-peer-'))
    const registry = createRegistry({ plugins: [datasetsPlugin()] })
    const data = await registry.datasets.get('mnist').load({ train: 8000, test: 10, shape: 'flat' }, { seed: 42, rng: createRng(42) })
    await writeTrainSplit(data, dir)
    data.dispose()
    writeFileSync(join(dir, 'peer.py'), script)
    log('running the PyTorch peer ...')
    const { stdout } = await run(python, [join(dir, 'peer.py'), join(dir, 'x.bin'), join(dir, 'y.bin')], { timeout: 600_000, maxBuffer: 1 << 20 })
    rmSync(dir, { recursive: true, force: true })
    const torchTrain = Number(/train ([\d.]+)/.exec(stdout)?.[1])
    const torchPrune = Number(/prune ([\d.]+)/.exec(stdout)?.[1])

    // Ours, in the same run: LeNet-300-100 on wasm on the same digits, and the same 100M selection.
    const again = await registry.datasets.get('mnist').load({ train: 8000, test: 10, shape: 'flat' }, { seed: 42, rng: createRng(42) })
    const ourTrain = await throughput('lenet-300-100', again, 8000)
    again.dispose()
    const weights = [4e7, 3e7, 2e7, 1e7].map((n) => {
      const rng = createRng(3)
      return Float32Array.from({ length: n }, () => rng.next() * 2 - 1)
    })
    // Warm the JIT first (the selection suite's 1M and 10M runs do the same): PyTorch's kernel is compiled C++.
    selectLowest([weights[3].subarray(0, 1e6)], countForSparsity(1e6, 0.9), 'magnitude')
    const began = performance.now()
    selectLowest(weights, countForSparsity(1e8, 0.9), 'magnitude')
    const ourPrune = (performance.now() - began) / 1000
    const rows: Row[] = [
      { task: 'train LeNet-300-100 (samples/s)', pytorch: Math.round(torchTrain), prunekit: Math.round(ourTrain), ratio: round(ourTrain / torchTrain, 2) },
      { task: 'global 90% pruning of 100M weights (s)', pytorch: round(torchPrune, 2), prunekit: round(ourPrune, 2), ratio: round(torchPrune / ourPrune, 1) },
    ]
    rows.forEach((r) => log(`${r.task}: pytorch ${r.pytorch}, prunekit ${r.prunekit} (x${r.ratio})`))
    return rows
  },
}
