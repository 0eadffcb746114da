import binaryen from 'binaryen'
import { readFileSync } from 'node:fs'

const source = new URL('../wasm/selection.wat', import.meta.url)

/** wasm/selection.wat assembled with SIMD and optimised (its small helpers inlined): the module's bytes. */
export function compileSelection() {
  const module = binaryen.parseText(readFileSync(source, 'utf8'))
  try {
    module.setFeatures(binaryen.Features.MVP | binaryen.Features.SIMD128 | binaryen.Features.MutableGlobals)
    if (!module.validate()) throw new Error('wasm/selection.wat is not a valid module (see the messages above)')
    binaryen.setOptimizeLevel(3)
    binaryen.setShrinkLevel(0)
    binaryen.setAlwaysInlineMaxSize(200)
    binaryen.setFlexibleInlineMaxSize(200)
    module.optimize()
    return module.emitBinary()
  } finally {
    module.dispose()
  }
}
