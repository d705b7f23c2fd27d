import { readFileSync } from 'node:fs'
import { defineConfig } from 'tsup'

/**
 * One entry per subpath of package.json "exports": `./dist/<name>.js` is built from
 * `src/<name>.ts` (`.` → src/index.ts, `./testing` → src/testing/index.ts). A new subpath
 * needs only its exports entry (and its source file); `typesVersions` maps it for
 * `moduleResolution: node10` by the same layout.
 */
const packageJson = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>
}
const entry = Object.fromEntries(
  Object.values(packageJson.exports)
    .filter((target): target is { types: string; default: string } => typeof target === 'object')
    .map((target) => {
      const name = target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '')
      return [name, `src/${name}.ts`]
    }),
)

export default defineConfig({
  entry,
  format: ['esm'],
  dts: true,
  // No source maps: the output is not minified (stack traces point at readable code) and
  // maps doubled the published size. See the README's "Packaging" section.
  sourcemap: false,
  clean: true,
  target: 'node20',
  splitting: true,
})
