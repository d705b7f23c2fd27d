import { createRequire } from 'node:module'
import { CamError } from '@cam/core'
import type { PoolConfig } from 'pg'
import type { NodePostgresPool, NodePostgresPoolSettings, PgliteInstance } from './driver-types.js'

/** The two optional peer dependencies, and how to install each. */
const drivers = {
  pg: { install: 'npm i pg' },
  '@electric-sql/pglite': { install: 'npm i @electric-sql/pglite' },
} as const

/** An optional driver of this package. */
export type DriverName = keyof typeof drivers

const requireFromHere = createRequire(import.meta.url)

/**
 * True when `driver` can be found from this package, the way the dynamic `import()`
 * that loads it will look for it. Lets the store fail when it is created, naming what
 * to install, instead of at its first query.
 */
export function isDriverInstalled(driver: DriverName): boolean {
  try {
    requireFromHere.resolve(driver)
    return true
  } catch {
    return false
  }
}

/** "install pg (npm i pg)": the advice for a missing driver. */
export function installAdvice(driver: DriverName): string {
  return `install ${driver} (${drivers[driver].install})`
}

function isModuleNotFound(error: unknown, driver: DriverName): boolean {
  const code = (error as { code?: unknown } | null)?.code
  const message = error instanceof Error ? error.message : ''
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && message.includes(`'${driver}'`)
}

function missingDriver(driver: DriverName, purpose: string, cause: unknown): CamError {
  return new CamError('CONFIG_INVALID', `${installAdvice(driver)} to ${purpose}: it is an optional peer dependency of @cam/adapter-postgres`, { cause })
}

/** Settings of a pool the store creates. */
export type NodePostgresPoolCreateSettings = NodePostgresPoolSettings & { connectionString?: string | undefined; max: number }

/** Creates a node-postgres pool (`new pg.Pool(settings)`). */
export type NodePostgresPoolFactory = (settings: NodePostgresPoolCreateSettings) => NodePostgresPool

/** Loads node-postgres (`pg`); a missing package fails with what to install. */
export async function loadNodePostgres(): Promise<NodePostgresPoolFactory> {
  // eslint-disable-next-line @typescript-eslint/consistent-type-imports -- an inline type keeps 'pg' out of the declaration files: they must compile for a PGlite-only user
  let module: typeof import('pg')
  try {
    module = await import('pg')
  } catch (error) {
    if (isModuleNotFound(error, 'pg')) throw missingDriver('pg', 'use a connection string', error)
    throw error
  }
  // pg is CommonJS: its classes are on the default export (the named ones exist only in its ESM wrapper).
  const Pool: typeof module.Pool = module.default?.Pool ?? module.Pool
  // The settings are node-postgres' own (typed structurally); a pg.Pool is a NodePostgresPool.
  return (settings) => new Pool(settings as PoolConfig)
}

/** The PGlite constructor (`new PGlite(dataDir)`). */
export type PgliteConstructor = new (dataDir?: string) => PgliteInstance

/** Loads PGlite (`@electric-sql/pglite`); a missing package fails with what to install. */
export async function loadPglite(purpose: string): Promise<PgliteConstructor> {
  try {
    const { PGlite } = await import('@electric-sql/pglite')
    return PGlite
  } catch (error) {
    if (isModuleNotFound(error, '@electric-sql/pglite')) throw missingDriver('@electric-sql/pglite', purpose, error)
    throw error
  }
}
