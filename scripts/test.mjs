#!/usr/bin/env node
/**
 * `pnpm test`: every package's tests, on a machine with nothing but Node and npm.
 *
 * 1. scripts/provision-test-services.sh makes ready what the tests need (starts an installed
 *    PostgreSQL, creates the test database, installs Dovecot/PgBouncer/PostgreSQL as root
 *    with apt) — or prints ONE line naming what to install and exits before any test runs;
 * 2. builds the packages whose build is missing or stale (scripts/build-if-stale.mjs);
 * 3. runs every package's `test` script, two packages at a time (`CAM_TEST_CONCURRENCY`),
 *    each to its end even when another one failed, and prints a summary: passed/failed per
 *    package, test counts, time.
 *
 *   pnpm test                          everything
 *   pnpm test core adapter-imap        only these (directory or package name)
 *
 * Exits 1 when anything failed.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildIfStale } from './build-if-stale.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const started = performance.now()
const seconds = (from) => (performance.now() - from) / 1000
const formatDuration = (value) => (value < 60 ? `${value.toFixed(1)} s` : `${Math.floor(value / 60)} min ${String(Math.round(value % 60)).padStart(2, '0')} s`)

/** Workspace projects with a test script: core, the other packages, then the examples. */
function testablePackages() {
  const projects = []
  for (const group of ['packages', 'examples']) {
    const directory = join(root, group)
    if (!existsSync(directory)) continue
    for (const name of readdirSync(directory).sort()) {
      const manifestPath = join(directory, name, 'package.json')
      if (!existsSync(manifestPath)) continue
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
      if (manifest.scripts?.test) projects.push({ name: manifest.name ?? name, directory: join(directory, name) })
    }
  }
  return projects.sort((a, b) => Number(b.name === '@cam/core') - Number(a.name === '@cam/core'))
}

const wanted = process.argv.slice(2).filter((arg) => arg !== '--')
const all = testablePackages()
const selected = wanted.length === 0 ? all : all.filter((project) => wanted.some((want) => project.name === want || project.name === `@cam/${want}` || basename(project.directory) === want || relative(root, project.directory) === want))
if (selected.length === 0) {
  console.error(`pnpm test: no package matches ${wanted.join(', ')}; packages: ${all.map((project) => relative(root, project.directory)).join(', ')}`)
  process.exit(2)
}

// 1. Services: ready, or one line saying what to install.
const provision = spawnSync('bash', [join(root, 'scripts', 'provision-test-services.sh')], { cwd: root, stdio: 'inherit' })
if (provision.status !== 0) process.exit(provision.status ?? 1)

// 2. Build what is stale (the adapters' tests import @cam/core from its dist/). A failed
// build is reported in the summary; the tests still run (those that need it fail too).
const results = []
const buildStarted = performance.now()
try {
  buildIfStale()
} catch (error) {
  console.error(`pnpm test: ${error instanceof Error ? error.message : String(error)}`)
  results.push({ name: 'build (pnpm build)', passed: false, counts: '', seconds: seconds(buildStarted) })
}

// 3. Every package, to the end.
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const ansi = /\u001b\[[0-9;]*m/g
/** Vitest's "Tests  3 failed | 40 passed | 2 skipped (45)" line, without colours. */
function testCounts(output) {
  const lines = output.replace(ansi, '').split('\n').filter((line) => /^\s*Tests\s+/.test(line))
  const last = lines.at(-1)
  return last ? last.replace(/^\s*Tests\s+/, '').replace(/\s*\(\d+\)\s*$/, '').trim() : ''
}

/** Running test processes, killed with this one. */
const running = new Set()
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) child.kill(signal)
    process.exit(130)
  })
}

/**
 * Packages run `CAM_TEST_CONCURRENCY` at a time (default 2): most test files wait on
 * servers, child processes and timeouts rather than compute. With more than one at a time,
 * each package's output is printed in one piece when it ends; the longest packages start first.
 */
const concurrency = Math.max(1, Number.parseInt(process.env.CAM_TEST_CONCURRENCY ?? '2', 10) || 1)
const longestFirst = ['@cam/adapter-postgres', '@cam/core', '@cam/adapter-imap']
const queue = concurrency === 1 ? [...selected] : [...selected].sort((a, b) => rank(a) - rank(b))
function rank(project) {
  const index = longestFirst.indexOf(project.name)
  return index === -1 ? longestFirst.length : index
}

async function runPackage(project) {
  const label = `${project.name} (${relative(root, project.directory)})`
  const streaming = concurrency === 1
  console.log(streaming ? `\n━━ ${label}` : `━━ started ${label}`)
  const from = performance.now()
  let output = ''
  const code = await new Promise((resolve) => {
    const env = { ...process.env, ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: '1' } : {}) }
    const child = spawn('pnpm', ['run', '--silent', 'test'], { cwd: project.directory, env, stdio: ['ignore', 'pipe', 'pipe'] })
    running.add(child)
    child.stdout.on('data', (chunk) => {
      output += chunk
      if (streaming) process.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
      if (streaming) process.stderr.write(chunk)
    })
    child.once('error', (error) => {
      output += String(error)
      resolve(1)
    })
    child.once('close', (exitCode, signal) => {
      running.delete(child)
      resolve(exitCode ?? (signal ? 1 : 0))
    })
  })
  if (!streaming) process.stdout.write(`\n━━ ${label}: ${code === 0 ? 'passed' : 'FAILED'} in ${formatDuration(seconds(from))}\n${output}`)
  return { project, result: { name: project.name, passed: code === 0, counts: testCounts(output), seconds: seconds(from) } }
}

const finished = []
await Promise.all(
  Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let project = queue.shift(); project; project = queue.shift()) finished.push(await runPackage(project))
  }),
)
// The summary in the usual order (core, the other packages, the examples).
for (const project of selected) results.push(finished.find((entry) => entry.project === project).result)

const failed = results.filter((result) => !result.passed)
const packageResults = results.filter((result) => !result.name.startsWith('build '))
const packagesFailed = packageResults.filter((result) => !result.passed)
const width = Math.max(...results.map((result) => result.name.length), 'package'.length) + 2
const countsWidth = Math.max(...results.map((result) => result.counts.length), 'tests'.length) + 2
console.log('\n━━ Summary')
console.log(`  ${'package'.padEnd(width)}${'result'.padEnd(8)}${'tests'.padEnd(countsWidth)}time`)
for (const result of results) {
  console.log(`  ${result.name.padEnd(width)}${(result.passed ? 'passed' : 'FAILED').padEnd(8)}${(result.counts || '—').padEnd(countsWidth)}${formatDuration(result.seconds).padStart(10)}`)
}
console.log(
  `\n${packageResults.length} package(s): ${packageResults.length - packagesFailed.length} passed` +
    (packagesFailed.length > 0 ? `, ${packagesFailed.length} failed (${packagesFailed.map((result) => result.name).join(', ')})` : '') +
    (failed.length > packagesFailed.length ? '; the build failed' : '') +
    `. Total ${formatDuration(seconds(started))}, provisioning and build included.`,
)
process.exit(failed.length > 0 ? 1 : 0)
