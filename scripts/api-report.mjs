#!/usr/bin/env node
// The public API of every package, as API Extractor reports it, kept in
// packages/<name>/etc/*.api.md so that every change to the public surface shows in review.
//
//   node scripts/api-report.mjs           check: fails when a report is out of date (CI)
//   node scripts/api-report.mjs --update  rewrite the reports after a deliberate change
//
// Needs the packages built (`pnpm build`): it reads the declaration files each exports-map
// entry point publishes.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
const update = process.argv.includes('--update')

/** The declaration file of each entry point of a package's exports map (`.` → `index`, `./testing` → `testing`). */
function entryPoints(packageDirectory, manifest) {
  const entries = []
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath.endsWith('package.json')) continue
    const types = typeof target === 'string' ? null : (target.types ?? target.import?.types ?? target.default?.types)
    if (!types) continue
    entries.push({ name: subpath === '.' ? '' : subpath.replace(/^\.\//, '').replaceAll('/', '-'), declarations: join(packageDirectory, types) })
  }
  return entries
}

let failed = 0
let changed = 0
for (const directory of readdirSync(join(root, 'packages'))) {
  const packageDirectory = join(root, 'packages', directory)
  const manifestPath = join(packageDirectory, 'package.json')
  if (!existsSync(manifestPath)) continue
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
  if (manifest.private) continue
  const reportFolder = join(packageDirectory, 'etc')
  mkdirSync(reportFolder, { recursive: true })
  for (const entry of entryPoints(packageDirectory, manifest)) {
    if (!existsSync(entry.declarations)) {
      console.error(`${manifest.name}${entry.name ? `/${entry.name}` : ''}: ${entry.declarations} is missing — run pnpm build first`)
      failed++
      continue
    }
    const reportFileName = `${directory}${entry.name ? `.${entry.name}` : ''}.api.md`
    const temporary = join(root, 'node_modules', '.cache', 'api-report', directory)
    const config = ExtractorConfig.prepare({
      configObjectFullPath: join(packageDirectory, 'api-extractor.json'),
      packageJsonFullPath: manifestPath,
      configObject: {
        projectFolder: packageDirectory,
        mainEntryPointFilePath: entry.declarations,
        bundledPackages: [],
        compiler: {
          overrideTsconfig: {
            compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023', 'DOM'], types: ['node'], strict: true, skipLibCheck: true },
          },
        },
        apiReport: { enabled: true, reportFolder, reportTempFolder: temporary, reportFileName },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: 'warning' } },
          extractorMessageReporting: {
            default: { logLevel: 'warning' },
            // No release tags (@public/@beta) are used: what an entry point exports is public.
            'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
            // A type reachable from the API but not exported by name is listed in the report.
            'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
            'ae-unresolved-link': { logLevel: 'none', addToApiReportFile: false },
            // Members without TSDoc are many small fields whose names say it all; not reported.
            'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
          },
          tsdocMessageReporting: { default: { logLevel: 'none', addToApiReportFile: false } },
        },
      },
    })
    const result = Extractor.invoke(config, { localBuild: update, showVerboseMessages: false, messageCallback: (message) => {
      if (message.logLevel === 'warning' || message.logLevel === 'error') console.error(`${manifest.name}: ${message.text}`)
      message.handled = true
    } })
    if (result.apiReportChanged) {
      changed++
      console.error(`${manifest.name}${entry.name ? `/${entry.name}` : ''}: public API changed — ${update ? 'report updated' : 'review it and run node scripts/api-report.mjs --update'} (etc/${reportFileName})`)
    }
    if (!result.succeeded && !(update && result.apiReportChanged)) failed++
  }
}
rmSync(join(root, 'node_modules', '.cache', 'api-report'), { recursive: true, force: true })
if (failed > 0 || (!update && changed > 0)) {
  console.error(`api-report: ${failed} failed, ${changed} changed`)
  process.exit(1)
}
console.log(update ? `api-report: reports up to date (${changed} rewritten)` : 'api-report: every public API matches its report')
