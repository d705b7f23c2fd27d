/**
 * A process that opens an embedded database for the crash tests, to be killed (SIGKILL)
 * at some point of its first start. Prints `open` once the database is ready, then waits.
 *
 *   node --import tsx embedded-database-process.ts safe <dataDir>     openEmbeddedDatabase
 *   node --import tsx embedded-database-process.ts legacy <dataDir>   new PGlite(dataDir) + migrate (the old way)
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { migrate, openEmbeddedDatabase } from '../../src/index.js'

const [mode, dataDir] = process.argv.slice(2)
if ((mode !== 'safe' && mode !== 'legacy') || !dataDir) throw new Error('usage: embedded-database-process.ts safe|legacy <dataDir>')

if (mode === 'safe') {
  await openEmbeddedDatabase({ dataDir })
} else {
  mkdirSync(dirname(dataDir), { recursive: true }) // as the demo did; PGlite creates only the last directory
  const pglite = new PGlite(dataDir)
  await pglite.waitReady
  await migrate({ pglite })
}
process.stdout.write('open\n')
setInterval(() => undefined, 60_000) // stay open until killed
