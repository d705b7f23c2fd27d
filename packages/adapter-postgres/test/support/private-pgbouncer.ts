import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { freePort } from './private-postgres.js'

const run = promisify(execFile)

/** A PgBouncer of our own in front of a PostgreSQL server, on a random port of 127.0.0.1. */
export interface PrivatePgBouncer {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` through the pooler. */
  url: string
  port: number
  /** The PgBouncer process. */
  pid: number
  /** What PgBouncer logged so far. */
  log(): string
  /** Stops PgBouncer (SIGINT: it closes every connection at once) and removes its files. */
  destroy(): Promise<void>
}

/** Options of {@link startPrivatePgBouncer}. */
export interface PrivatePgBouncerOptions {
  /** The server behind the pooler (127.0.0.1). */
  serverPort: number
  /** Database the URL names (default `postgres`). */
  database?: string
  /** `transaction` (default), `session` or `statement`. */
  poolMode?: 'transaction' | 'session' | 'statement'
  /** Server connections per database and user (default 4): fewer than the clients, so clients share them. */
  poolSize?: number
}

function findPgBouncer(): string {
  const candidates = [process.env.PGBOUNCER_BIN, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].filter((path): path is string => Boolean(path))
  const found = candidates.find((path) => existsSync(path))
  if (!found) throw new Error('pgbouncer not found: install the Debian package (apt-get install pgbouncer) or set PGBOUNCER_BIN')
  return found
}


const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

/**
 * Starts Debian's `pgbouncer` with a temporary configuration: its own free port on
 * 127.0.0.1, no Unix socket, `auth_type = trust` (user `postgres`, listed in its own
 * auth file), every database forwarded to `127.0.0.1:<serverPort>` as `postgres`.
 * PgBouncer refuses to run as root: as root it runs as the `postgres` OS user.
 */
export async function startPrivatePgBouncer(options: PrivatePgBouncerOptions): Promise<PrivatePgBouncer> {
  const binary = findPgBouncer()
  const dir = mkdtempSync(join(tmpdir(), 'cam-pgbouncer-'))
  const port = await freePort()
  const logFile = join(dir, 'pgbouncer.log')
  const configFile = join(dir, 'pgbouncer.ini')
  writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n')
  writeFileSync(
    configFile,
    [
      '[databases]',
      `* = host=127.0.0.1 port=${options.serverPort} user=postgres`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `pool_mode = ${options.poolMode ?? 'transaction'}`,
      `default_pool_size = ${options.poolSize ?? 4}`,
      'max_client_conn = 500',
      'admin_users = postgres',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${logFile}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  )
  let ids: { uid: number; gid: number } | undefined
  if (process.getuid?.() === 0) {
    const { stdout: uid } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    ids = { uid: Number(uid.trim()), gid: Number(gid.trim()) }
    chownSync(dir, ids.uid, ids.gid)
  }
  const child: ChildProcess = spawn(binary, [configFile], { stdio: ['ignore', 'ignore', 'pipe'], ...ids })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '') + stderr
  const destroy = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  const deadline = Date.now() + 10_000
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const output = log()
      await destroy()
      throw new Error(`pgbouncer did not start on 127.0.0.1:${port}:\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/${options.database ?? 'postgres'}`, port, pid: child.pid!, log, destroy }
}
