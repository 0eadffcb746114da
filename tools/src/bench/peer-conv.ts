import { createRegistry, createRng, setupBackend } from '@prunekit/core'
import { datasetsPlugin } from '@prunekit/datasets'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { round, type Row, type Suite } from './measure.js'
import { findTorchPython, trainSpeed, writeTrainSplit } from './peer.js'
import { buildZooModel, throughput } from './training.js'

const run = promisify(execFile)

// The zoo's lenet-5 and mobilenet-mini (default options) in PyTorch. Parameter counts include
// BatchNorm's moving statistics, as tfjs's countParams does; the suite checks they match.
const script = String.raw`
import sys, time, numpy as np, torch
from torch import nn
torch.set_num_threads(2)
torch.manual_seed(0)
x = torch.from_numpy(np.fromfile(sys.argv[1], dtype=np.float32).reshape(-1, 1, 28, 28))
y = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.int64))

def lenet5():
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))

def conv_bn(cin, cout, k=1, stride=1, groups=1, relu6=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout, momentum=0.1)]
    return layers + [nn.ReLU6()] if relu6 else layers

class InvertedResidual(nn.Module):
    def __init__(self, cin, t, cout, stride):
        super().__init__()
        wide = cin * t
        self.residual = stride == 1 and cin == cout
        self.body = nn.Sequential(*(conv_bn(cin, wide) if t > 1 else []), *conv_bn(wide, wide, 3, stride, wide), *conv_bn(wide, cout, relu6=False))
    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)

def mobilenet_mini(stem=16, blocks=((1, 16, 1, 1), (4, 24, 2, 2), (4, 32, 2, 2)), head=64):
    layers, c = conv_bn(1, stem, 3, 2), stem
    for t, cout, s, n in blocks:
        for r in range(n):
            layers.append(InvertedResidual(c, t, cout, s if r == 0 else 1))
            c = cout
    return nn.Sequential(*layers, *conv_bn(c, head), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(head, 10))

def count(model):
    return sum(p.numel() for p in model.parameters()) + sum(b.numel() for n, b in model.named_buffers() if n.endswith(('running_mean', 'running_var')))

${trainSpeed}
for name, make, samples in (('lenet-5', lenet5, int(sys.argv[3])), ('mobilenet-mini', mobilenet_mini, int(sys.argv[4]))):
    model = make()
    model.train()
    print(name, "params", count(model), "train", train_speed(model, samples), flush=True)
`

/** Samples of the epoch each side times, per model (the same slice of the same digits on both sides). */
const samples: Record<string, number> = { 'lenet-5': 8000, 'mobilenet-mini': 2048 }

export const peerConvSuite: Suite = {
  name: 'peer-conv',
  description: 'Conv training against PyTorch on this machine (Debian python3-torch, 2 threads): the same LeNet-5 and mobilenet-mini, batch 64, adam, same MNIST digits; prunekit on wasm, in its WebAssembly engine on 1 and 2 threads and through tfjs ops',
  async run(log) {
    const python = findTorchPython()
    if (!python) {
      log('PyTorch is not installed here (apt-get install python3-torch): peer-conv figures skipped')
      return [{ peer: 'pytorch', skipped: 'python3 -c "import torch" fails on this machine' }]
    }
    await setupBackend('wasm')
    const registry = createRegistry({ plugins: [datasetsPlugin()] })
    const data = await registry.datasets.get('mnist').load({ train: 8000, test: 10, shape: 'image' }, { seed: 42, rng: createRng(42) })
    const dir = mkdtempSync(join(tmpdir(), 'prunekit-peer-conv-'))
    let stdout: string
    try {
      await writeTrainSplit(data, dir)
      writeFileSync(join(dir, 'peer_conv.py'), script)
      log('running the PyTorch peer ...')
      const args = [join(dir, 'peer_conv.py'), join(dir, 'x.bin'), join(dir, 'y.bin'), String(samples['lenet-5']), String(samples['mobilenet-mini'])]
      stdout = (await run(python, args, { timeout: 1_800_000, maxBuffer: 1 << 20 })).stdout
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    const peers = new Map<string, { params: number; samples: number }>()
    for (const model of Object.keys(samples)) {
      const peer = new RegExp(`${model} params (\\d+) train ([\\d.]+)`).exec(stdout)
      if (!peer) throw new Error(`The PyTorch peer printed no figures for ${model}; its output was:\n${stdout}`)
      const built = await buildZooModel(model, data)
      const params = built.model.countParams()
      built.dispose()
      if (params !== Number(peer[1])) throw new Error(`${model}: the PyTorch model has ${peer[1]} parameters, prunekit's ${params}: they must be the same architecture (fix the script in tools/src/bench/peer-conv.ts).`)
      peers.set(model, { params, samples: Number(peer[2]) })
    }
    // One thread (the default), then two as PyTorch has: changing the backend's threads frees its tensors, so the data is loaded again.
    const measured = new Map<string, { engine: number[]; tfjs: number }>()
    let current = data
    try {
      for (const threads of [1, 2]) {
        if (threads > 1) {
          current.dispose()
          await setupBackend('wasm', { threads })
          current = await registry.datasets.get('mnist').load({ train: 8000, test: 10, shape: 'image' }, { seed: 42, rng: createRng(42) })
        }
        for (const model of Object.keys(samples)) {
          const entry = measured.get(model) ?? { engine: [], tfjs: 0 }
          entry.engine.push(await throughput(model, current, samples[model]))
          if (threads === 1) entry.tfjs = await throughput(model, current, samples[model], 'tfjs')
          measured.set(model, entry)
        }
      }
    } finally {
      current.dispose()
      await setupBackend('wasm', { threads: 1 })
    }
    const rows: Row[] = []
    for (const [model, { engine, tfjs }] of measured) {
      const { params, samples: theirs } = peers.get(model)!
      const ratio = (ours: number) => round(ours / theirs, 2)
      rows.push({ model, params, samples: samples[model], pytorch: Math.round(theirs), prunekit: Math.round(engine[0]), ratio: ratio(engine[0]), prunekit2Threads: Math.round(engine[1]), ratio2Threads: ratio(engine[1]), tfjsOps: Math.round(tfjs), tfjsOpsRatio: ratio(tfjs) })
      log(`${model} (${params} params): pytorch ${Math.round(theirs)} samples/s; prunekit's wasm engine ${Math.round(engine[0])} (x${ratio(engine[0])}), on 2 threads ${Math.round(engine[1])} (x${ratio(engine[1])}); through tfjs ops ${Math.round(tfjs)} (x${ratio(tfjs)})`)
    }
    return rows
  },
}
