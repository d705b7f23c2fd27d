import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { env } from '@cam/core'

/**
 * The variables the host app reads besides the worker's `CAM_*` ones
 * (`camEnvironmentVariables` of `@cam/core`). The deployment recipes in deploy/ set only
 * these and those (test/deploy-*.test.ts checks it).
 */
export const hostAppEnvironmentVariables = {
  DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'], secret: true, description: 'PostgreSQL connection string' }),
  CAM_DB_SCHEMA: env.string({ default: 'cam' }),
  CAM_DB_POOL_SIZE: env.integer({ min: 1, max: 1000, default: 10, description: 'PostgreSQL connections this process may open' }),
  CAM_MIGRATE_ON_START: env.boolean({ default: true, description: 'apply pending migrations at start (false when `cam-postgres migrate` runs before the app)' }),
  PORT: env.integer({ min: 0, max: 65_535, default: 3000 }),
  HOST: env.string({ default: '127.0.0.1' }),
  CAM_OUTBOX_DIR: env.string({ default: join(tmpdir(), 'cam-host-app', 'outbox') }),
  CAM_MAILDIR: env.string({ default: join(tmpdir(), 'cam-host-app', 'Maildir') }),
  RESEND_WEBHOOK_SECRET: env.optional(env.string({ secret: true, description: 'signing secret of the Resend webhook (whsec_…)' })),
  CAM_DASHBOARD_PASSWORD: env.optional(env.string({ secret: true, description: 'password of the dashboard at /admin/cam (HTTP Basic; the user name is logged as the actor); unset: no dashboard' })),
  CAM_DASHBOARD_CSRF_SECRET: env.optional(env.string({ secret: true, description: "key of the dashboard's form tokens, at least 32 characters, the same on every replica (default: random per process)" })),
}
