#!/usr/bin/env node
/**
 * Builds the packages whose build is missing or older than their sources, and only those.
 * Used by `pnpm demo` and `pnpm test`; `pnpm build` always rebuilds everything.
 *
 * A package (packages/*) is up to date when every file its package.json points to in
 * dist/ (`main`, `types`, `bin`, `exports`) exists and no input — src/**, package.json,
 * tsup.config.*, tsconfig*.json, the root tsconfig.base.json — is newer than the oldest
 * file in dist/. (tsup cleans dist/ before each build, so a build that stopped half-way
 * leaves files missing, and counts as stale.)
 *
 *   node scripts/build-if-stale.mjs           build what is stale; print what and how long
 *   node scripts/build-if-stale.mjs --quiet   print only when something is built
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Every file under `directory` (none when it does not exist). */
function filesUnder(directory) {
  if (!existsSync(directory)) return []
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
}

/** The dist/ files a package.json points to. */
function declaredOutputs(manifest) {
  const found = new Set()
  const visit = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/') || value.startsWith('dist/')) found.add(value.replace(/^\.\//, ''))
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value)) visit(inner)
    }
  }
  visit([manifest.main, manifest.types, manifest.module, manifest.bin, manifest.exports])
  return [...found]
}

/** Why the package needs a build, or null when its dist/ is up to date. */
export function staleReason(directory) {
  const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'))
  const missing = declaredOutputs(manifest).filter((file) => !existsSync(join(directory, file)))
  if (missing.length > 0) return `${missing[0]} missing`
  const outputs = filesUnder(join(directory, 'dist'))
  if (outputs.length === 0) return 'dist/ missing'
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs))
  const inputs = [
    ...filesUnder(join(directory, 'src')),
    ...readdirSync(directory).filter((name) => name === 'package.json' || /^tsup\.config\./.test(name) || /^tsconfig.*\.json$/.test(name)).map((name) => join(directory, name)),
    join(root, 'tsconfig.base.json'),
  ].filter((file) => existsSync(file))
  const newer = inputs.find((file) => statSync(file).mtimeMs > oldestOutput)
  return newer ? `${relative(directory, newer)} changed` : null
}

/** The workspace packages with a build script (the examples run from source). */
export function buildablePackages() {
  const packagesDirectory = join(root, 'packages')
  return readdirSync(packagesDirectory)
    .map((name) => join(packagesDirectory, name))
    .filter((directory) => existsSync(join(directory, 'package.json')))
    .map((directory) => ({ directory, manifest: JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => Boolean(manifest.scripts?.build))
}

/** Builds what is stale (in dependency order, through pnpm). Returns what was built and how long it took. */
export function buildIfStale({ quiet = false } = {}) {
  const started = performance.now()
  const stale = buildablePackages()
    .map(({ directory, manifest }) => ({ directory, name: manifest.name, reason: staleReason(directory) }))
    .filter((entry) => entry.reason !== null)
  if (stale.length === 0) {
    if (!quiet) console.log(`Packages already built (checked in ${((performance.now() - started) / 1000).toFixed(1)} s; \`pnpm build\` rebuilds them all).`)
    return { built: [], seconds: 0 }
  }
  console.log(`Building ${stale.map((entry) => `${entry.name} (${entry.reason})`).join(', ')} …`)
  const filters = stale.flatMap((entry) => ['--filter', entry.name])
  const result = spawnSync('pnpm', ['-r', '--no-bail', '--reporter=append-only', ...filters, 'run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
  const seconds = (performance.now() - started) / 1000
  if (result.status !== 0) {
    process.stdout.write(result.stdout ?? '')
    process.stderr.write(result.stderr ?? '')
    throw new Error(`build failed after ${seconds.toFixed(1)} s (output above)`)
  }
  console.log(`Built ${stale.length} package(s) in ${seconds.toFixed(1)} s.`)
  return { built: stale.map((entry) => entry.name), seconds }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    buildIfStale({ quiet: process.argv.includes('--quiet') })
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exit(1)
  }
}
