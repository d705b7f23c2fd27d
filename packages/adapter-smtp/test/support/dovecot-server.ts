/**
 * Throwaway Dovecot IMAP servers for tests and benchmarks.
 *
 * Each `startDovecot()` writes its own config in a fresh temp directory (loopback only, a free
 * unprivileged port, plaintext auth, maildir storage, a passwd-file user), runs `dovecot -F`
 * in its own process group and waits until a real LOGIN succeeds. Several can run at once
 * (one per test file). `kill()` and `restart()` simulate crashes; `pause()`/`resume()` freeze
 * the server (SIGSTOP) to simulate a silently dead connection.
 *
 * Copied from `@cam/adapter-imap` (test/support/dovecot-server.ts). Needs Debian's
 * `dovecot-imapd` (`scripts/provision-test-services.sh` installs it). Works as root (mail
 * stored as `nobody`) and as an ordinary user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect as connectTcp } from 'node:net'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'

/** Options of {@link startDovecot}. */
export interface DovecotOptions {
  /** Login name. Default `alice`. */
  user?: string
  /** Password. Default a random one. */
  password?: string
  /** Replaces the advertised capabilities after login (e.g. to hide IDLE). */
  capabilities?: string
  /** More accounts (each with its own Maildir), e.g. a pool of 200 mailboxes for the benchmark. */
  extraUsers?: Array<{ user: string; password: string }>
  /** More `dovecot.conf` lines, appended last (e.g. higher process limits for hundreds of connections). */
  extraConfig?: string[]
}

/** A running (or stopped) throwaway Dovecot. */
export interface DovecotServer {
  readonly host: '127.0.0.1'
  readonly port: number
  readonly user: string
  readonly password: string
  /** Temp directory holding config, logs and mail. */
  readonly directory: string
  /** Maildir of the user. */
  readonly maildir: string
  /** True while the server process runs. */
  readonly running: boolean
  /** SIGKILLs every Dovecot process (a crash: connections drop without a goodbye). */
  kill(): Promise<void>
  /** Starts again on the same port with the same mail. */
  start(): Promise<void>
  /** kill() then start(). */
  restart(): Promise<void>
  /** Freezes every Dovecot process (SIGSTOP): sockets stay open, nothing answers. */
  pause(): void
  /** Unfreezes (SIGCONT). */
  resume(): void
  /**
   * Puts messages straight into the maildir's `new/` folder, like a local delivery agent —
   * much faster than IMAP APPEND for thousands of messages. Dovecot assigns UIDs in the
   * order written when a client next looks.
   */
  deliverToMaildir(raws: Iterable<string | Uint8Array>, mailbox?: string): void
  /** Dovecot's log, for diagnosing failures. */
  log(): string
  /** Stops the server and removes the temp directory. */
  dispose(): Promise<void>
}

const dovecotBinary = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((path) => existsSync(path))

const running = new Set<ChildProcess>()
let exitHookInstalled = false
/** Never leave servers behind, even when the test process dies abruptly. */
function installExitHook(): void {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL')
  })
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Logs in over a raw socket: proves the listener, the auth process and the mail storage all work. */
async function probeLogin(port: number, user: string, password: string, timeoutMs: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const socket = connectTcp(port, '127.0.0.1')
    let buffer = ''
    let sent = false
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.on('error', () => done(false))
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1')
      if (!sent && /\* OK .*\r\n/.test(buffer) && /ready/i.test(buffer)) {
        sent = true
        socket.write(`p1 LOGIN "${user}" "${password}"\r\np2 SELECT INBOX\r\np3 LOGOUT\r\n`)
      }
      if (/p2 OK/.test(buffer)) done(true)
      if (/p[12] (NO|BAD)/.test(buffer)) done(false)
    })
  })
}

function countBareLineFeeds(bytes: Uint8Array): number {
  let count = 0
  for (let index = 0; index < bytes.length; index++) {
    if (bytes[index] === 0x0a && (index === 0 || bytes[index - 1] !== 0x0d)) count++
  }
  return count
}

function lookupId(kind: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [kind, name], { encoding: 'utf8' }).trim())
}

/** Starts a throwaway Dovecot. Throws with install instructions when Dovecot is missing. */
export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  if (!dovecotBinary) {
    throw new Error('Dovecot is not installed: run scripts/provision-test-services.sh (installs dovecot-imapd)')
  }
  installExitHook()
  const user = options.user ?? 'alice'
  const password = options.password ?? randomBytes(9).toString('base64url')
  const directory = mkdtempSync(join(tmpdir(), 'cam-dovecot-'))
  chmodSync(directory, 0o755)
  const isRoot = process.getuid?.() === 0
  const me = userInfo().username
  const mailUser = isRoot ? 'nobody' : me
  const mailUid = isRoot ? lookupId('-u', 'nobody') : process.getuid!()
  const mailGid = isRoot ? lookupId('-g', 'nobody') : process.getgid!()
  const home = join(directory, 'home', user)
  const maildir = join(home, 'Maildir')
  const accounts = [{ user, password }, ...(options.extraUsers ?? [])]
  for (const account of accounts) {
    const accountHome = join(directory, 'home', account.user)
    const accountMaildir = join(accountHome, 'Maildir')
    for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(accountMaildir, sub), { recursive: true })
    if (isRoot) {
      for (const path of [join(directory, 'home'), accountHome, accountMaildir, ...['cur', 'new', 'tmp'].map((sub) => join(accountMaildir, sub))]) {
        chownSync(path, mailUid, mailGid)
      }
    }
  }
  writeFileSync(join(directory, 'passwd'), accounts.map((account) => `${account.user}:{PLAIN}${account.password}::::::\n`).join(''), { mode: 0o644 })

  let port = await freePort()
  const configPath = join(directory, 'dovecot.conf')
  const writeConfig = () => {
    writeFileSync(
      configPath,
      [
        'protocols = imap',
        'listen = 127.0.0.1',
        `base_dir = ${join(directory, 'run')}`,
        `state_dir = ${join(directory, 'state')}`,
        `log_path = ${join(directory, 'dovecot.log')}`,
        'ssl = no',
        'disable_plaintext_auth = no',
        // XOAUTH2/OAUTHBEARER: Dovecot 2.3 checks the bearer token against the passdb like a
        // password, which lets the tests exercise the OAuth2 login path for real.
        'auth_mechanisms = plain login xoauth2 oauthbearer',
        // No artificial slowness for failed logins (production servers keep both).
        'auth_failure_delay = 0',
        'mail_location = maildir:~/Maildir',
        'mail_fsync = never',
        'first_valid_uid = 1',
        `default_internal_user = ${isRoot ? 'dovecot' : me}`,
        `default_login_user = ${isRoot ? 'dovenull' : me}`,
        'protocol imap {',
        '  mail_max_userip_connections = 200',
        ...(options.capabilities ? [`  imap_capability = ${options.capabilities}`] : []),
        '}',
        'passdb {',
        '  driver = passwd-file',
        `  args = scheme=PLAIN username_format=%u ${join(directory, 'passwd')}`,
        '}',
        'userdb {',
        '  driver = static',
        `  args = uid=${mailUser} gid=${mailGid} home=${join(directory, 'home')}/%u`,
        '}',
        'service imap-login {',
        '  inet_listener imap {',
        '    address = 127.0.0.1',
        `    port = ${port}`,
        '  }',
        '  inet_listener imaps {',
        '    port = 0',
        '  }',
        ...(isRoot ? [] : ['  chroot =', '  user = $default_login_user']),
        '}',
        'service anvil {',
        '  unix_listener anvil-auth-penalty {',
        '    mode = 0',
        '  }',
        ...(isRoot ? [] : ['  chroot =']),
        '}',
        ...(options.extraConfig ?? []),
        '',
      ].join('\n'),
    )
  }

  let child: ChildProcess | null = null
  let deliveries = 0

  const startProcess = async (): Promise<void> => {
    writeConfig()
    const proc = spawn(dovecotBinary, ['-F', '-c', configPath], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    proc.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    proc.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()))
    let exited = false
    proc.once('exit', () => {
      exited = true
      running.delete(proc)
    })
    running.add(proc)
    child = proc
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      if (exited) throw new Error(`dovecot exited during start-up: ${output}\n${readLog()}`)
      if (await probeLogin(port, user, password, 2_000)) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    killGroup(proc, 'SIGKILL')
    throw new Error(`dovecot did not accept a login on 127.0.0.1:${port} within 15 s: ${output}\n${readLog()}`)
  }

  const readLog = (): string => {
    try {
      return readFileSync(join(directory, 'dovecot.log'), 'utf8')
    } catch {
      return '(no log yet)'
    }
  }

  const waitExit = async (proc: ChildProcess): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return
    await new Promise<void>((resolve) => proc.once('exit', () => resolve()))
  }

  const stopProcess = async (signal: NodeJS.Signals): Promise<void> => {
    const proc = child
    child = null
    if (!proc) return
    killGroup(proc, 'SIGCONT')
    killGroup(proc, signal)
    await waitExit(proc)
    // Children (imap, auth…) may outlive a SIGTERMed master for a moment.
    killGroup(proc, 'SIGKILL')
  }

  // A port taken between freePort() and bind: pick another one.
  for (let attempt = 0; ; attempt++) {
    try {
      await startProcess()
      break
    } catch (error) {
      await stopProcess('SIGKILL')
      if (attempt >= 3 || !/in use/i.test(String(error))) {
        rmSync(directory, { recursive: true, force: true })
        throw error
      }
      port = await freePort()
    }
  }

  return {
    host: '127.0.0.1',
    get port() {
      return port
    },
    user,
    password,
    directory,
    maildir,
    get running() {
      return child !== null
    },
    async kill() {
      await stopProcess('SIGKILL')
    },
    async start() {
      if (child) return
      await startProcess()
    },
    async restart() {
      await stopProcess('SIGKILL')
      await startProcess()
    },
    pause() {
      if (child) killGroup(child, 'SIGSTOP')
    },
    resume() {
      if (child) killGroup(child, 'SIGCONT')
    },
    deliverToMaildir(raws, mailbox = 'INBOX') {
      const folder = mailbox === 'INBOX' ? maildir : join(maildir, `.${mailbox}`)
      for (const sub of ['cur', 'new', 'tmp']) {
        const path = join(folder, sub)
        if (!existsSync(path)) {
          mkdirSync(path, { recursive: true })
          if (isRoot) chownSync(path, mailUid, mailGid)
        }
      }
      const stamp = Math.floor(Date.now() / 1000)
      for (const raw of raws) {
        deliveries++
        const bytes = typeof raw === 'string' ? Buffer.from(raw) : raw
        // S= (physical size) and W= (size with CRLF line endings, what RFC822.SIZE reports)
        // in the name, as Dovecot's own delivery agents write them: the server then knows
        // sizes without reading every file.
        const bareLineFeeds = countBareLineFeeds(bytes)
        const name = `${stamp}.M${String(deliveries).padStart(9, '0')}P${process.pid}.cam,S=${bytes.length},W=${bytes.length + bareLineFeeds}`
        const tmpPath = join(folder, 'tmp', name)
        writeFileSync(tmpPath, bytes, { mode: 0o644 })
        if (isRoot) chownSync(tmpPath, mailUid, mailGid)
        // tmp → new is the maildir delivery protocol: a reader never sees a half-written file.
        renameSync(tmpPath, join(folder, 'new', name))
      }
    },
    log: readLog,
    async dispose() {
      await stopProcess('SIGTERM')
      rmSync(directory, { recursive: true, force: true })
    },
  }
}
