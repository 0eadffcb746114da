// What bundlers load for `@prunekit/tfjs-wasm/node` under the "browser" condition: no node:* in the bundle.
const nodeOnly = (name: string): Error =>
  new Error(`${name} loads the threaded wasm build with Node.js worker threads; in a browser, tfjs-backend-wasm picks its threaded build itself when the page is cross-origin isolated.`)

export async function registerThreadedWasm(_threads: number): Promise<void> {
  throw nodeOnly('registerThreadedWasm')
}

export function registerSingleThreadedWasm(): void {
  throw nodeOnly('registerSingleThreadedWasm')
}

export function stopThreadedWasm(): void {}
