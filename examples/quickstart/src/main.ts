/**
 * `pnpm demo` — CAM's whole job, with nothing to install or configure.
 *
 *   pnpm demo            run 21 simulated days (continues from the stored state)
 *   pnpm demo --reset    start over
 *   pnpm demo --days 7   run 7 simulated days
 *
 * Data lives in `.cam-demo/` at the repository root (or `CAM_DEMO_DIR`).
 */
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { EmbeddedDatabaseError } from '@cam/adapter-postgres'
import { printSummary, runDemo } from './run-demo.js'

const { values } = parseArgs({
  options: {
    reset: { type: 'boolean', default: false },
    days: { type: 'string', default: '21' },
  },
  allowPositionals: false,
})
const days = Number(values.days)
if (!Number.isInteger(days) || days < 1 || days > 365) {
  console.error('--days: expected a whole number of days from 1 to 365')
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
