import { describe, expect, it } from 'vitest'
import { resolveConfigPaths } from './load-config.js'

describe('resolveConfigPaths', () => {
  it('resolves model.path and a distillation teacher\'s path against the config file, and leaves the rest alone', () => {
    const raw = {
      model: { path: 'dense/model.json' },
      pipeline: [
        { train: { epochs: 1 } },
        { finetune: { distill: { teacher: { path: './teacher/model.json' }, alpha: 0.7 } } },
        { finetune: { distill: { teacher: 'dense' } } },
        { train: { distill: { teacher: { path: 'https://example.org/model.json' } } } },
        'evaluate',
      ],
    }
    expect(resolveConfigPaths(raw, '/configs')).toEqual({
      model: { path: '/configs/dense/model.json' },
      pipeline: [
        { train: { epochs: 1 } },
        { finetune: { distill: { teacher: { path: '/configs/teacher/model.json' }, alpha: 0.7 } } },
        { finetune: { distill: { teacher: 'dense' } } },
        { train: { distill: { teacher: { path: 'https://example.org/model.json' } } } },
        'evaluate',
      ],
    })
    expect(resolveConfigPaths({ model: { zoo: 'mlp' } }, '/configs')).toEqual({ model: { zoo: 'mlp' } })
  })
})
