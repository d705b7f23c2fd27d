/**
 * A process that opens an embedded database for the crash tests, to be killed (SIGKILL)
 * at some point of its first start. Prints `open` once the database is ready, then waits.
 *
 *   node --import tsx embedded-database-process.ts safe <dataDir>     openEmbeddedDatabase
 *   node --import tsx embedded-database-process.ts legacy <dataDir>   new PGlite(dataDir) + migrate (the old way)
 *   node --import tsx embedded-database-process.ts write <dataDir>    openEmbeddedDatabase, then commits rows one by one
 *                                                                     into durability_probe, printing `committed <n>` after each
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { migrate, openEmbeddedDatabase } from '../../src/index.js'

const [mode, dataDir] = process.argv.slice(2)
if (!['safe', 'legacy', 'write'].includes(mode ?? '') || !dataDir) throw new Error('usage: embedded-database-process.ts safe|legacy|write <dataDir>')

if (mode === 'write') {
  const pglite = await openEmbeddedDatabase({ dataDir })
  await pglite.exec('CREATE TABLE IF NOT EXISTS durability_probe (n integer PRIMARY KEY)')
  for (let n = 1; ; n++) {
    await pglite.query('INSERT INTO durability_probe (n) VALUES ($1)', [n])
    process.stdout.write(`committed ${n}\n`)
  }
} else if (mode === 'safe') {
  await openEmbeddedDatabase({ dataDir })
} else {
  mkdirSync(dirname(dataDir), { recursive: true }) // as the demo did; PGlite creates only the last directory
  const pglite = new PGlite(dataDir)
  await pglite.waitReady
  await migrate({ pglite })
}
process.stdout.write('open\n')
setInterval(() => undefined, 60_000) // stay open until killed
