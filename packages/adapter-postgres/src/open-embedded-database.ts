import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { CamError, silentLogger, type Logger } from '@cam/core'
import { errorClassMarker, errorMessage, hasErrorClassMarker, markErrorClass, parseOptions, systemErrorCode } from '@cam/core/adapter-kit'
import { z } from 'zod'
import type { PgliteInstance } from './driver-types.js'
import { loadPglite, type PgliteConstructor } from './load-driver.js'
import { migrate, SchemaVersionError } from './migrate.js'
import { loggerOption } from './postgres-options.js'

/** Options of {@link openEmbeddedDatabase}. */
export interface EmbeddedDatabaseOptions {
  /**
   * Directory holding the database: a PGlite (NodeFS) data directory, created with its
   * parent directories when missing. A filesystem path, not a `memory://` or `idb://` URL.
   */
  dataDir: string
  /** Schema the migrations run in (default `cam`); give the store the same one. */
  schema?: string | undefined
  /** Creation, clean-up of abandoned drafts and migrations are reported here (default silent). */
  logger?: Logger | undefined
  /**
   * What to tell people when an existing directory cannot be opened, e.g.
   * "run `my-app --reset` to start over". Default: move the directory aside or delete it.
   */
  recoveryAdvice?: string | undefined
}

const embeddedDatabaseMarker = errorClassMarker('EmbeddedDatabaseError')

/**
 * The embedded database directory cannot be created or opened: it is damaged or
 * half-made, holds something else, or PGlite failed on it. `message` names the
 * directory and the way out; the original failure is `cause`. Code `STORE_FAILED`.
 * Nothing in the directory is changed or deleted.
 */
export class EmbeddedDatabaseError extends CamError {
  /** The data directory concerned (absolute). */
  readonly dataDir: string

  constructor(dataDir: string, message: string, options: { cause?: unknown } = {}) {
    super('STORE_FAILED', message, options)
    markErrorClass(this, embeddedDatabaseMarker)
    this.name = 'EmbeddedDatabaseError'
    this.dataDir = dataDir
  }

  /** True when `error` is an {@link EmbeddedDatabaseError} (from any copy of this package). */
  static override isInstance(error: unknown): error is EmbeddedDatabaseError {
    return hasErrorClassMarker(error, embeddedDatabaseMarker)
  }
}

/** Drafts this process is creating right now (never removed as abandoned). */
const draftsInProgress = new Set<string>()

/** Files every complete PostgreSQL data directory has; initdb writes `PG_VERSION` first. */
const completeMarkers = ['PG_VERSION', join('global', 'pg_control')] as const

/**
 * Opens the embedded PostgreSQL (PGlite) database in `dataDir`, migrated and ready for
 * `createPostgresStore({ pglite })`; close it with `pglite.close()` when done.
 *
 * A process killed while the database is first being created never leaves a half-made
 * directory behind: a missing (or empty) `dataDir` is created as a sibling draft
 * (`.<name>.creating-<pid>-<random>`), migrated, closed, flushed to disk (fsync) and
 * renamed into place in one step, so `dataDir` either does not exist or holds a
 * complete database. Drafts left by a killed first start are removed on the next one.
 *
 * An existing directory that cannot be opened or migrated (damaged by a machine crash,
 * by two processes using it at once, or half-made by older code) fails with an
 * {@link EmbeddedDatabaseError} naming the directory and the way out, and is left as it
 * is. A schema migrated by newer, incompatible code fails with `SchemaVersionError`.
 * One process, one instance per directory: PGlite does not lock it.
 *
 * ```ts
 * const pglite = await openEmbeddedDatabase({ dataDir: './cam-data' })
 * const store = createPostgresStore({ pglite })
 * ```
 *
 * Needs the optional peer dependency `@electric-sql/pglite`: without it, fails with a
 * `CamError` (code `CONFIG_INVALID`) saying what to install. The instance is typed as
 * the part of PGlite the store uses ({@link PgliteInstance}); it is a real `PGlite`, so
 * `as PGlite` gives its whole API.
 */
export async function openEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<PgliteInstance> {
  const settings = parseOptions(optionsSchema, options ?? {}, 'embedded database options')
  const dataDir = resolve(settings.dataDir)
  const schema = settings.schema ?? 'cam'
  const logger = settings.logger ?? silentLogger
  const advice = settings.recoveryAdvice ?? 'move the directory aside (to keep it) or delete it (its data is lost); a new, empty database is created there on the next start'
  const PgliteClass = await loadPglite('use openEmbeddedDatabase')

  await removeAbandonedDrafts(dataDir, logger)
  const found = await inspectDirectory(dataDir)
  if (found.kind === 'not-a-directory') {
    throw new EmbeddedDatabaseError(dataDir, `The embedded database path ${dataDir} is not a directory: point dataDir at a new or empty directory.`)
  }
  if (found.kind === 'incomplete') {
    throw new EmbeddedDatabaseError(
      dataDir,
      `The embedded database directory ${dataDir} is not empty but holds no complete PGlite database (${found.missing.join(' and ')} missing). ` +
        `If it is a database whose first start was interrupted, nothing in it is usable: to recover, ${advice}. ` +
        'If it is some other directory, point dataDir at a new or empty directory instead.',
    )
  }
  if (found.kind !== 'database') await createInPlace(PgliteClass, dataDir, found.kind === 'empty', schema, logger)
  return openExisting(PgliteClass, dataDir, schema, logger, advice)
}

const schemaMessage = 'expected a schema name of 1 to 63 characters'

/** The options as {@link openEmbeddedDatabase} checks them. */
const optionsSchema = z.object({
  dataDir: z
    .string({ error: 'expected the path of a directory, e.g. ./cam-data' })
    .refine((dataDir) => dataDir.trim() !== '' && !dataDir.includes('\u0000'), { error: 'expected the path of a directory, e.g. ./cam-data', abort: true })
    .refine((dataDir) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir), {
      error: (issue) => {
        const url = String(issue.input)
        return `expected a filesystem path, not a URL (got ${url.slice(0, url.indexOf('://') + 3)}…); for an in-memory database use new PGlite()`
      },
    }),
  schema: z
    .string({ error: schemaMessage })
    .refine((schema) => schema.length > 0 && schema.length <= 63 && !schema.includes('\u0000'), { error: schemaMessage })
    .optional(),
  recoveryAdvice: z
    .string({ error: 'expected a non-empty sentence telling people how to recover' })
    .refine((advice) => advice.trim() !== '', { error: 'expected a non-empty sentence telling people how to recover' })
    .optional(),
  logger: loggerOption.optional(),
})

type DirectoryState = { kind: 'missing' } | { kind: 'empty' } | { kind: 'database' } | { kind: 'incomplete'; missing: string[] } | { kind: 'not-a-directory' }

async function inspectDirectory(dataDir: string): Promise<DirectoryState> {
  const found = await stat(dataDir).catch((error: unknown) => {
    if (systemErrorCode(error) === 'ENOENT') return null
    throw new EmbeddedDatabaseError(dataDir, `The embedded database directory ${dataDir} cannot be read: ${errorMessage(error)}`, { cause: error })
  })
  if (!found) return { kind: 'missing' }
  if (!found.isDirectory()) return { kind: 'not-a-directory' }
  if ((await readdir(dataDir)).length === 0) return { kind: 'empty' }
  const missing: string[] = []
  for (const marker of completeMarkers) {
    const present = await stat(join(dataDir, marker)).then(
      (entry) => entry.isFile(),
      () => false,
    )
    if (!present) missing.push(marker)
  }
  return missing.length === 0 ? { kind: 'database' } : { kind: 'incomplete', missing }
}

const draftPattern = (name: string) => new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.creating-(\\d+)-[0-9a-f]+$`)

/** Removes the drafts of first starts whose process is gone (killed, crashed). */
async function removeAbandonedDrafts(dataDir: string, logger: Logger): Promise<void> {
  const parent = dirname(dataDir)
  const pattern = draftPattern(basename(dataDir))
  const entries = await readdir(parent).catch(() => [] as string[])
  for (const entry of entries) {
    const match = pattern.exec(entry)
    if (!match) continue
    const draft = join(parent, entry)
    const pid = Number(match[1])
    if (draftsInProgress.has(draft) || (pid !== process.pid && isProcessAlive(pid))) continue
    await rm(draft, { recursive: true, force: true })
    logger.warn('embedded database: removed the draft of an interrupted first start', { draft })
  }
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return systemErrorCode(error) === 'EPERM' // exists, owned by someone else
  }
}

/** Creates the database as a sibling draft, then renames it into place once complete and on disk. */
async function createInPlace(PgliteClass: PgliteConstructor, dataDir: string, replaceEmpty: boolean, schema: string, logger: Logger): Promise<void> {
  const parent = dirname(dataDir)
  const draft = join(parent, `.${basename(dataDir)}.creating-${process.pid}-${randomBytes(6).toString('hex')}`)
  draftsInProgress.add(draft)
  try {
    await mkdir(parent, { recursive: true })
    const pglite = new PgliteClass(draft)
    try {
      await pglite.waitReady
      await migrate({ pglite, schema, logger })
    } finally {
      await pglite.close().catch(() => undefined)
    }
    await syncTree(draft)
    if (replaceEmpty) await rmdir(dataDir).catch(() => undefined)
    try {
      await rename(draft, dataDir)
    } catch (error) {
      // Another process created it first (EEXIST / ENOTEMPTY; EPERM on Windows): use theirs.
      if (!['EEXIST', 'ENOTEMPTY', 'EPERM'].includes(systemErrorCode(error) ?? '') || (await inspectDirectory(dataDir)).kind !== 'database') throw error
      logger.info('embedded database: created by another process at the same time, using it', { dataDir })
      return
    }
    await syncPath(parent, true)
    logger.info('embedded database created', { dataDir })
  } catch (error) {
    if (EmbeddedDatabaseError.isInstance(error)) throw error
    throw new EmbeddedDatabaseError(dataDir, `The embedded database in ${dataDir} could not be created: ${describeFailure(error)}`, { cause: error })
  } finally {
    draftsInProgress.delete(draft)
    await rm(draft, { recursive: true, force: true }).catch(() => undefined)
  }
}

async function openExisting(PgliteClass: PgliteConstructor, dataDir: string, schema: string, logger: Logger, advice: string): Promise<PgliteInstance> {
  const pglite = new PgliteClass(dataDir)
  try {
    await pglite.waitReady
    await migrate({ pglite, schema, logger })
    return pglite
  } catch (error) {
    await pglite.close().catch(() => undefined)
    if (error instanceof SchemaVersionError) throw error
    throw new EmbeddedDatabaseError(
      dataDir,
      `The embedded database in ${dataDir} cannot be opened: ${describeFailure(error)}. ` +
        'The directory is damaged — e.g. by a machine crash, by two processes using it at once, or by a first start interrupted while an older version created it in place. ' +
        `To recover, ${advice}.`,
      { cause: error },
    )
  }
}

/** A WebAssembly abort or exit of the engine anywhere in the cause chain. */
function isEngineAbort(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const name = (current as { name?: unknown }).name
    if (name === 'RuntimeError' || name === 'ExitStatus') return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}

function describeFailure(error: unknown): string {
  if (isEngineAbort(error)) return 'PGlite (PostgreSQL in WebAssembly) aborted on it'
  return errorMessage(error)
}

/** fsync every file, then every directory, under `directory` (so the rename cannot reach the disk before the data). */
async function syncTree(directory: string): Promise<void> {
  const files: string[] = []
  const directories: string[] = []
  const walk = async (current: string): Promise<void> => {
    directories.push(current)
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const path = join(current, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) files.push(path)
    }
  }
  await walk(directory)
  const batch = 32 // a few files at a time: well under any open-file limit
  for (let index = 0; index < files.length; index += batch) {
    await Promise.all(files.slice(index, index + batch).map((file) => syncPath(file, false)))
  }
  for (const path of directories.reverse()) await syncPath(path, true)
}

async function syncPath(path: string, isDirectory: boolean): Promise<void> {
  let handle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    if (isDirectory && ['EISDIR', 'EPERM', 'EACCES'].includes(systemErrorCode(error) ?? '')) return // directories cannot be opened on Windows
    throw error
  }
  try {
    await handle.sync()
  } catch (error) {
    if (!(isDirectory && ['EINVAL', 'EPERM', 'EBADF'].includes(systemErrorCode(error) ?? ''))) throw error
  } finally {
    await handle.close()
  }
}
