import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: false, // not published: see the core README (Packaging)
  clean: true,
  target: 'node20',
})
