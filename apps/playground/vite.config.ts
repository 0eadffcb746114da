import { fileURLToPath } from 'node:url'
import { defineConfig, runnerImport, type Plugin } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

/** `virtual:prunekit-catalog`: the registry's names and option schemas, read in Node at build time, so the page draws its form without waiting for the worker. */
function catalogModule(): Plugin {
  const id = 'virtual:prunekit-catalog'
  return {
    name: 'prunekit-catalog',
    resolveId: { filter: { id: new RegExp(`^${id}$`) }, handler: () => `\0${id}` },
    load: {
      filter: { id: new RegExp(`^\0${id}$`) },
      async handler() {
        const { module } = await runnerImport<typeof import('./src/registry.js')>('/src/registry.ts', { root, configFile: false, logLevel: 'error', ssr: { noExternal: [/^@prunekit\//] } })
        return `export default ${JSON.stringify(module.catalogOf(module.createPlaygroundRegistry()))}`
      },
    },
  }
}

// A static site: index.html, the page's and the worker's bundles, tfjs' .wasm files (imported with ?url,
// so they are emitted beside the bundles under hashed names) and public/digits.csv. Relative URLs
// (base './') let dist/ be served from any folder of any static host.
export default defineConfig({
  root,
  base: './',
  plugins: [catalogModule()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      // Reading the registry at build time is the slow part (about 5 s): expected, not worth a report each build.
      checks: { pluginTimings: false },
      // The packages' indexes also export their Node.js file writers (reports, run state, the console's
      // progress bars); the page never calls them and tree-shaking drops them, but vite warns about their
      // node:* imports on the way. The test checks that the page runs with no error.
      onLog(level, log, handler) {
        if (level === 'warn' && /has been externalized for browser compatibility/.test(log.message)) return
        handler(level, log)
      },
    },
  },
  preview: { port: 4173 },
})
