/**
 * `pnpm demo` — CAM's whole job, with nothing to install or configure.
 *
 *   pnpm demo            run 21 simulated days (continues from the stored state)
 *   pnpm demo --reset    start over
 *   pnpm demo --days 7   run 7 simulated days
 *   pnpm demo --dashboard           then keep the dashboard running on the demo's data (localhost)
 *   pnpm demo --dashboard --port 0  on a free port (default 3100)
 *
 * Data lives in `.cam-demo/` at the repository root (or `CAM_DEMO_DIR`).
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { EmbeddedDatabaseError } from '@cam/adapter-postgres'
import { printSummary, runDemo } from './run-demo.js'
import { serveDemoDashboard } from './serve-dashboard.js'

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    days: { type: 'string', default: '21' },
    dashboard: { type: 'boolean', default: false },
    port: { type: 'string', default: '3100' },
  },
  allowPositionals: false,
})
const days = Number(values.days)
if (!Number.isInteger(days) || days < 1 || days > 365) {
  console.error('--days: expected a whole number of days from 1 to 365')
  process.exit(2)
}
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('--port: expected a port number from 0 to 65535')
  process.exit(2)
}
const dataDir = process.env.CAM_DEMO_DIR ?? resolve(fileURLToPath(new URL('../../../.cam-demo', import.meta.url)))
const summary = await runDemo({ dataDir, days, reset: values.reset }).catch((error: unknown) => {
  if (!EmbeddedDatabaseError.isInstance(error)) throw error
  console.error(error.message) // names the directory and the way out (`--reset`)
  process.exit(1)
})
printSummary(summary)
// Measured from the start of this process (Node, tsx and the imports included).
console.log(`\nDone in ${(performance.now() / 1000).toFixed(1)} s.`)
if (!values.dashboard) {
  console.log('See it in the dashboard: pnpm demo --dashboard (serves it on this data at http://127.0.0.1:3100/).')
} else {
  const dashboard = await serveDemoDashboard({ dataDir, port })
  console.log(`\nDashboard on the demo's data: ${dashboard.url}  (localhost only, no sign-in; Ctrl-C to stop)`)
  const stop = () => void dashboard.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
