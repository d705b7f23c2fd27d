/** The app with only `@electric-sql/pglite` installed: an in-memory database. */
import { PGlite } from '@electric-sql/pglite'
import { createPostgresStore, migrate } from '@cam/adapter-postgres'
import { check, expectCamError, useEveryPackage } from './every-package.js'

// pg is not installed: a connection string fails when the store is created, saying what to install.
await expectCamError(() => createPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }), 'install pg (npm i pg) to use a connection string')
await expectCamError(() => migrate({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }), 'install pg (npm i pg) to use a connection string')

const pglite = await PGlite.create()
try {
  await migrate({ pglite })
  const store = createPostgresStore({ pglite })
  try {
    await useEveryPackage(store)
    check((await store.listCampaigns()).length === 1, 'the campaign is stored in PGlite')
  } finally {
    await store.close()
  }
} finally {
  await pglite.close()
}
console.log('consumer app (PGlite only): ok')
