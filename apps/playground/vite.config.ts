import { defineConfig } from 'vite'

// A static site: index.html, the page's and the worker's bundles, tfjs' .wasm files (imported with ?url,
// so they are emitted beside the bundles under hashed names) and public/digits.csv. Relative URLs
// (base './') let dist/ be served from any folder of any static host.
export default defineConfig({
  base: './',
  worker: { format: 'es' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 4096 },
  preview: { port: 4173 },
})
