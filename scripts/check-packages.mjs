#!/usr/bin/env node
/**
 * Checks the packages as npm users get them. Run after `pnpm build`:
 *
 *   node scripts/check-packages.mjs
 *
 * 1. packs every package in packages/ with `pnpm pack` (workspace: ranges replaced);
 * 2. checks each tarball: LICENSE, README, every file its exports/main/types/bin name, no
 *    source maps, no workspace: range left;
 * 3. runs publint (--strict) and attw (@arethetypeswrong/cli) on each tarball;
 * 4. installs the tarballs with plain npm into two scratch apps outside the workspace,
 *    one with only `pg` and one with only `@electric-sql/pglite` (scripts/consumer-app), both
 *    with `ai` (the peer dependency of @cam/classifier-ai),
 *    type-checks each with `strict` and `skipLibCheck: false` under NodeNext and Bundler
 *    resolution, runs it, and runs a CommonJS require() check of every entry point.
 *
 * Entry points are read from each package's exports map, so a new subpath (say
 * `@cam/core/adapter-kit`) is checked without editing this script.
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) for the pg
 * app; KEEP_SCRATCH=1 keeps the scratch directory for a look.
 */
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const scratch = mkdtempSync(join(tmpdir(), 'cam-package-check-'))
const started = Date.now()
const failures = []

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'))
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`

/** Runs a command; resolves with its output, rejects with it (and the command) when it fails. */
function run(command, args, { cwd = root } = {}) {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} (in ${cwd}) failed:\n${`${stdout}${stderr}`.trimEnd()}`))
      else resolvePromise(stdout)
    })
  })
}

/**
 * Runs one named check; its lines are printed together when it ends (checks run in
 * parallel). A failure is reported and the other checks still run.
 */
async function step(name, body) {
  const lines = []
  const log = (text) => text.trim() && lines.push(text.trimEnd())
  try {
    await body(log)
    console.log([`-- ${name}: ok (${seconds()})`, ...lines].join('\n'))
  } catch (error) {
    failures.push(name)
    console.log([`-- FAIL ${name} (${seconds()})`, ...lines, error instanceof Error ? error.message : String(error)].join('\n'))
  }
}

function exportTargets(value) {
  if (typeof value === 'string') return [value]
  if (value && typeof value === 'object') return Object.values(value).flatMap(exportTargets)
  return []
}

// 1. Pack.
const tarballDirectory = join(scratch, 'tarballs')
mkdirSync(tarballDirectory)
const packages = await Promise.all(
  readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((directory) => existsSync(join(directory, 'package.json')) && !readJson(join(directory, 'package.json')).private)
    .map(async (directory) => {
      const manifest = readJson(join(directory, 'package.json'))
      if (!existsSync(join(directory, 'dist'))) throw new Error(`${manifest.name} has no dist/: run pnpm build first`)
      await run('pnpm', ['pack', '--pack-destination', tarballDirectory], { cwd: directory })
      const tarball = join(tarballDirectory, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`)
      if (!existsSync(tarball)) throw new Error(`pnpm pack wrote no ${basename(tarball)}`)
      return { name: manifest.name, directory, tarball }
    }),
)
console.log(`== packed ${packages.length} packages into ${tarballDirectory} (${seconds()})`)

// 2. Contents, sizes and manifest fields.
const sizes = []
await Promise.all(
  packages.map((pkg) =>
    step(`${pkg.name}: tarball contents`, async () => {
      const listing = (await run('tar', ['-tvzf', pkg.tarball])).trim().split('\n')
      const files = new Map(
        listing.map((line) => {
          const fields = line.trim().split(/\s+/)
          return [fields.slice(5).join(' ').replace(/^package\//, ''), Number(fields[2])]
        }),
      )
      const unpacked = [...files.values()].reduce((sum, size) => sum + size, 0)
      sizes.push(`${pkg.name.padEnd(25)} ${(readFileSync(pkg.tarball).length / 1024).toFixed(0).padStart(5)} KB ${(unpacked / 1024).toFixed(0).padStart(6)} KB ${String(files.size).padStart(6)}`)
      const manifest = JSON.parse(await run('tar', ['-xzOf', pkg.tarball, 'package/package.json']))
      const problems = []
      for (const required of ['LICENSE', 'README.md', 'package.json']) if (!files.has(required)) problems.push(`${required} missing`)
      for (const file of files.keys()) if (file.endsWith('.map')) problems.push(`${file}: source maps are not published`)
      const named = [manifest.main, manifest.types, ...Object.values(manifest.bin ?? {}), ...exportTargets(manifest.exports)].filter(Boolean)
      for (const target of new Set(named)) if (!files.has(target.replace(/^\.\//, ''))) problems.push(`${target} is named in package.json but not in the tarball`)
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const [dependency, range] of Object.entries(manifest[field] ?? {})) if (String(range).startsWith('workspace:')) problems.push(`${field}.${dependency} is still ${range}`)
      }
      for (const field of ['license', 'repository', 'homepage', 'bugs']) if (!manifest[field]) problems.push(`package.json has no ${field}`)
      if (problems.length > 0) throw new Error(problems.map((problem) => `  - ${problem}`).join('\n'))
    }),
  ),
)
console.log(['package                   tarball   unpacked  files', ...sizes.sort()].join('\n'))

// 3. publint and attw on each tarball.
const lint = (pkg) => [
  step(`${pkg.name}: publint`, async (log) =>
    log((await run(bin('publint'), ['--strict', pkg.tarball])).replace(/^(Running publint|Unpacking tarball|Linting).*\n/gm, '')),
  ),
  // cjs-resolves-to-esm is ignored, and only it: the packages are ESM-only on purpose and
  // their exports have a "default" condition, so `require()` loads them on Node ≥ 20.19 /
  // ≥ 22.12 (require(esm), checked for real in step 4) and TypeScript ≥ 5.8 types it under
  // `module: nodenext`; attw (bundling TypeScript 5.6) still calls that "dynamic import
  // only". Every other rule, node10 resolution included, stays on.
  step(`${pkg.name}: attw`, async (log) =>
    log(await run(bin('attw'), [pkg.tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped', '--no-color', '--no-emoji'])),
  ),
]

// 4. A TypeScript app outside the workspace, once per driver.
const rootManifest = readJson(join(root, 'package.json'))
const postgresManifest = readJson(join(root, 'packages', 'adapter-postgres', 'package.json'))
const drivers = {
  pg: {
    dependencies: { pg: postgresManifest.devDependencies.pg },
    devDependencies: { '@types/pg': postgresManifest.devDependencies['@types/pg'] },
    compilerOptions: {},
  },
  pglite: {
    dependencies: { '@electric-sql/pglite': postgresManifest.devDependencies['@electric-sql/pglite'] },
    // PGlite's own declarations (not CAM's) need the DOM lib and @types/emscripten once
    // skipLibCheck is off; the latter is only a devDependency of PGlite, so its users add it.
    devDependencies: { '@types/emscripten': '^1.41.1' },
    compilerOptions: { lib: ['ES2023', 'DOM'], types: ['node', 'emscripten'] },
  },
}
// Installed in every app, as users of @cam/classifier-ai install it: its required peer dependency.
const classifierAiManifest = readJson(join(root, 'packages', 'classifier-ai', 'package.json'))
const presentEverywhere = { ai: classifierAiManifest.devDependencies.ai }
const absentEverywhere = ['@slack/web-api']
const fixture = join(root, 'scripts', 'consumer-app')

const consumerApp = (driver, setup) =>
  step(`consumer app (${driver} only)`, async (log) => {
    const app = join(scratch, `app-${driver}`)
    mkdirSync(join(app, 'src'), { recursive: true })
    cpSync(join(fixture, 'common'), join(app, 'src'), { recursive: true })
    cpSync(join(fixture, driver), join(app, 'src'), { recursive: true })
    for (const config of ['tsconfig.nodenext.json', 'tsconfig.bundler.json']) {
      const tsconfig = readJson(join(fixture, config))
      Object.assign(tsconfig.compilerOptions, setup.compilerOptions)
      writeFileSync(join(app, config), `${JSON.stringify(tsconfig, null, 2)}\n`)
    }
    const manifest = {
      name: `cam-consumer-${driver}`,
      private: true,
      type: 'module',
      dependencies: { ...Object.fromEntries(packages.map((pkg) => [pkg.name, `file:${pkg.tarball}`])), ...presentEverywhere, ...setup.dependencies },
      devDependencies: { typescript: rootManifest.devDependencies.typescript, '@types/node': rootManifest.devDependencies['@types/node'], ...setup.devDependencies },
    }
    writeFileSync(join(app, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app })
    log(`installed the tarballs and ${Object.keys({ ...presentEverywhere, ...setup.dependencies }).join(', ')} with npm (${seconds()})`)
    // Every phase runs even when an earlier one failed, so one run shows every problem.
    const problems = []
    const phase = async (body) => {
      try {
        await body()
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error))
      }
    }
    const otherDrivers = Object.entries(drivers).filter(([name]) => name !== driver).flatMap(([, other]) => Object.keys(other.dependencies))
    for (const absent of [...otherDrivers, ...absentEverywhere]) {
      if (existsSync(join(app, 'node_modules', absent))) problems.push(`${absent} was installed, but the app did not ask for it`)
    }
    const tsc = join(app, 'node_modules', '.bin', 'tsc')
    await Promise.all(['tsconfig.bundler.json', 'tsconfig.nodenext.json'].map((config) => phase(() => run(tsc, ['-p', config], { cwd: app }))))
    log(`type checks ran: strict, skipLibCheck false, NodeNext and Bundler resolution (${seconds()})`)
    if (existsSync(join(app, 'dist'))) {
      await phase(async () => log(await run('node', ['dist/main.js'], { cwd: app })))
      await phase(async () => log(await run('node', ['dist/require-smoke.cjs'], { cwd: app })))
    }
    if (problems.length > 0) throw new Error(problems.join('\n'))
  })

await Promise.all([...packages.flatMap(lint), ...Object.entries(drivers).map(([driver, setup]) => consumerApp(driver, setup))])

if (process.env.KEEP_SCRATCH) console.log(`scratch kept: ${scratch}`)
else rmSync(scratch, { recursive: true, force: true })
console.log(`== package checks: ${failures.length === 0 ? 'all passed' : `${failures.length} failed (${failures.join('; ')})`} in ${seconds()}`)
process.exit(failures.length === 0 ? 0 : 1)
