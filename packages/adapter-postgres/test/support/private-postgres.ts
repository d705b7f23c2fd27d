import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A throwaway PostgreSQL server of our own (never the shared cluster), to stop and start at will. */
export interface PrivatePostgres {
  url: string
  port: number
  stop(): Promise<void>
  start(): Promise<void>
  destroy(): Promise<void>
}

function findBinaries(): string {
  const fromEnv = process.env.PG_BIN
  if (fromEnv) return fromEnv
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : []
  const found = versions.map((v) => join(root, v, 'bin')).find((dir) => existsSync(join(dir, 'initdb')))
  if (!found) throw new Error('initdb not found: install the PostgreSQL server package (postgresql-15) or set PG_BIN')
  return found
}

/** A free TCP port on 127.0.0.1 (for the servers the tests start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** initdb refuses to run as root: run the server tools as the `postgres` OS user then. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args]
  return ['runuser', ['-u', 'postgres', '--', command, ...args]]
}

/** Creates, starts and returns a private PostgreSQL instance on a random port in a temp dir. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findBinaries()
  const dir = mkdtempSync(join(tmpdir(), 'cam-pg-'))
  const data = join(dir, 'data')
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: gid } = await run('id', ['-g', 'postgres'])
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()))
  }
  const port = await freePort()
  await run(...asServerUser(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']))
  const pgCtl = (args: string[]) => run(...asServerUser(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), ...args]), { timeout: 60_000 })
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`
  const start = async () => void (await pgCtl(['-o', options, '-w', 'start']))
  const stop = async () => void (await pgCtl(['-m', 'fast', '-w', 'stop']))
  await start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop,
    async destroy() {
      await stop().catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
