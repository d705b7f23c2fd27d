import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createPostgresStore, openEmbeddedDatabase } from '@cam/adapter-postgres'
import { createCamClient } from '@cam/core'
import { createManualClock } from '@cam/core/testing'
import { createDashboard, toNodeRequestListener } from '@cam/dashboard'

/** A running dashboard on the demo's data. */
export interface DemoDashboard {
  url: string
  close(): Promise<void>
}

/**
 * Serves the CAM dashboard on the demo's database, on 127.0.0.1 only (anonymous: it is your
 * machine). Its clock is the demo's simulated one, so "the last 7 days" are the simulated days.
 */
export async function serveDemoDashboard(options: { dataDir: string; port: number }): Promise<DemoDashboard> {
  const state = JSON.parse(await readFile(join(options.dataDir, 'demo-state.json'), 'utf8')) as { clock: string }
  const pglite = await openEmbeddedDatabase({ dataDir: join(options.dataDir, 'pgdata') })
  const store = createPostgresStore({ pglite })
  const client = createCamClient({ store, clock: createManualClock(new Date(state.clock)) })
  const dashboard = createDashboard({ client, basePath: '/', dangerouslyAllowAnonymous: true })
  const server = createServer(toNodeRequestListener(dashboard))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', resolve)
  })
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await store.close?.()
      await pglite.close()
    },
  }
}
