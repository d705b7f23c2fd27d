/**
 * `@cam/adapter-postgres`: the CAM `Store` and `Lock` ports on PostgreSQL (node-postgres)
 * or embedded PGlite, with SQL migrations.
 *
 * @packageDocumentation
 */
export { createPostgresStore, type PostgresStore, type PostgresStoreOptions } from './create-postgres-store.js'
export {
  migrate,
  listMigrations,
  latestMigrationVersion,
  renderMigration,
  SchemaVersionError,
  type Migration,
  type MigrateOptions,
  type MigrateResult,
} from './migrate.js'
export type { PostgresConnectionOptions } from './postgres-options.js'
export { openEmbeddedDatabase, EmbeddedDatabaseError, type EmbeddedDatabaseOptions } from './open-embedded-database.js'
export type {
  NodePostgresPool,
  NodePostgresPoolClient,
  NodePostgresPoolSettings,
  NodePostgresQuery,
  NodePostgresQueryResult,
  NodePostgresNotification,
  PgliteInstance,
  PgliteTransaction,
  PgliteResults,
} from './driver-types.js'
