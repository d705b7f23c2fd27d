import { execFile, spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRawMessage } from '@cam/core'

const run = promisify(execFile)
const main = new URL('../src/main.ts', import.meta.url).pathname

async function demo(dataDir: string, ...args: string[]) {
  const result = await run(process.execPath, ['--import', 'tsx', main, ...args], { env: { ...process.env, CAM_DEMO_DIR: dataDir }, maxBuffer: 16 * 1024 * 1024 })
  return result.stdout
}

describe('pnpm demo', () => {
  let dataDir: string
  let firstRun: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cam-demo-test-'))
    firstRun = await demo(dataDir)
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('runs the whole job on embedded defaults and ends with a summary', () => {
    expect(firstRun).toMatch(/Created campaign "CAM quickstart demo" with 25 leads/)
    expect(firstRun).toMatch(/^Mon 05 Jan\s+sent 20/m) // the daily cap
    expect(firstRun).toContain('🔔 Positive reply from Ana Silva (Lisbon Labs)')
    expect(firstRun).toContain('🔔 Question from Bruno Keller (Keller Logistik)')
    expect(firstRun).toContain('🔔 Referral from Chloé Martin (Atelier Martin)')
    for (const [name, state] of [
      ['Ana Silva', 'interested'],
      ['Bruno Keller', 'replied'],
      ['Chloé Martin', 'replied'],
      ['Emma Jones', 'unsubscribed'],
      ['Hiro Tanaka', 'unsubscribed'],
      ['Farid Haddad', 'bounced'],
      ['Isabel Costa', 'not_interested'],
      ['Jan de Vries', 'no_reply'],
    ]) {
      expect(firstRun).toMatch(new RegExp(`^  ${name}\\s+\\S+\\s+${state}\\b`, 'm'))
    }
    expect(firstRun).toMatch(/Alerts delivered: 3/)
    expect(firstRun).toContain(join(dataDir, 'outbox'))
    // The days shown are Berlin calendar days: Mon 05 Jan is the first, Sun 25 Jan the 21st.
    expect(firstRun).toMatch(/^Sun 25 Jan\s+sent/m)
    expect(firstRun).toContain('Simulated 2026-01-05 → 2026-01-25 (21 days, Berlin time)')
    // A reason too long for its column ends in an ellipsis; this one fits whole.
    expect(firstRun).toMatch(/^ {2}Chloé Martin .*refers to marc\.dupont@ateliermartin\.example$/m)
    // The lead table and the metrics tell the same story: a complaint unsubscribes the lead too.
    expect(firstRun).toContain('unsubscribed 2 (1 asked to unsubscribe, 1 complained)')
    expect(firstRun).toMatch(/asked to unsubscribe 1 \(\d+\.\d%\) · complaints 1 ·/)
    expect(firstRun).toContain('Every lead has reached an end state: `pnpm demo --reset` starts over.')
  })

  it('offers the dashboard at the end; --dashboard keeps it running on localhost on the demo data', async () => {
    expect(firstRun).toContain('pnpm demo --dashboard')
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--dashboard', '--port', '0', '--days', '1'], { env: { ...process.env, CAM_DEMO_DIR: dataDir }, stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    try {
      await expect.poll(() => output, { timeout: 60_000 }).toMatch(/Dashboard on the demo's data: http:\/\/127\.0\.0\.1:\d+\//)
      const url = /Dashboard on the demo's data: (\S+)/.exec(output)![1]!
      const page = await fetch(url)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('CAM quickstart demo')
      expect(html).toMatch(/data-metric="lifetime.sent"[^>]*>\d+</)
      expect((await fetch(`${url}replies?category=positive`)).status).toBe(200)
    } finally {
      child.kill('SIGINT')
    }
    expect(await exited).toBe(0)
  })

  it('sends real, threaded emails with one-click unsubscribe headers and honours the out-of-office date', async () => {
    const outbox = join(dataDir, 'outbox')
    const files = await readdir(outbox)
    const emails = await Promise.all(files.map(async (name) => parseRawMessage(await readFile(join(outbox, name)))))
    const toDieter = emails.filter((e) => e.to[0]?.address === 'dieter.braun@braunmaschinenbau.example').sort((a, b) => a.date!.getTime() - b.date!.getTime())
    expect(toDieter.length).toBeGreaterThanOrEqual(2)
    // Out of office until 6 days after the first email: the follow-up waits.
    expect(toDieter[1]!.date!.getTime() - toDieter[0]!.date!.getTime()).toBeGreaterThanOrEqual(6 * 86_400_000 - 3_600_000)
    expect(toDieter[1]!.inReplyTo).toBe(toDieter[0]!.messageId)
    expect(toDieter[1]!.subject).toBe(`Re: ${toDieter[0]!.subject}`)
    expect(toDieter[0]!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    expect(String(toDieter[0]!.headers['list-unsubscribe'])).toMatch(/^<http:\/\/localhost:3000\/unsubscribe\?token=v1\./)
    expect(emails.filter((e) => e.to[0]?.address === 'ana.silva@lisbonlabs.example')).toHaveLength(1) // stopped after the positive reply
    expect(emails.filter((e) => e.to[0]?.address === 'farid.haddad@cedarsystems.example')).toHaveLength(1) // stopped after the bounce
  })

  it('a rerun with nothing left to do says so, simulates nothing and suggests --reset; --reset starts over', async () => {
    const before = (await readdir(join(dataDir, 'outbox'))).sort()
    const second = await demo(dataDir, '--days', '3')
    expect(second).toContain('Nothing left to do')
    expect(second).toContain('Run `pnpm demo --reset` to start over.')
    expect(second).not.toMatch(/^Mon 26 Jan/m) // no day simulated
    expect(second).not.toContain('Simulated ')
    expect((await readdir(join(dataDir, 'outbox'))).sort()).toEqual(before)
    const reset = await demo(dataDir, '--reset', '--days', '1')
    expect(reset).toMatch(/Created campaign/)
    expect((await readdir(join(dataDir, 'outbox'))).length).toBe(20)
  })
})

describe('pnpm demo run again before it is done', () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cam-demo-continue-'))
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('continues from the day after the last one shown, without sending anything twice', async () => {
    const first = await demo(dataDir, '--days', '2')
    expect(first).toMatch(/^Tue 06 Jan\s+sent/m)
    expect(first).toContain('Simulated 2026-01-05 → 2026-01-06 (2 days, Berlin time)')
    expect(first).toContain('Run `pnpm demo` again to continue')
    const before = await readdir(join(dataDir, 'outbox'))
    const second = await demo(dataDir, '--days', '2')
    expect(second).toMatch(/^Continuing from 2026-01-07 /m)
    expect(second).toMatch(/^Wed 07 Jan\s+sent/m)
    expect(second).not.toMatch(/^(Mon 05|Tue 06) Jan/m)
    expect(second).toContain('Simulated 2026-01-07 → 2026-01-08 (2 days, Berlin time)')
    const after = await readdir(join(dataDir, 'outbox'))
    expect(after).toEqual(expect.arrayContaining(before))
    expect(after.length).toBeGreaterThan(before.length) // the follow-ups of Thu 08 Jan
    // Nothing twice: one first email per lead, each follow-up in its thread once.
    const emails = await Promise.all(after.map(async (name) => parseRawMessage(await readFile(join(dataDir, 'outbox', name)))))
    const keys = emails.map((email) => `${email.to[0]?.address} ${email.inReplyTo ?? 'first'} ${email.subject}`)
    expect(new Set(keys).size).toBe(keys.length)
    const firsts = emails.filter((email) => !email.inReplyTo).map((email) => email.to[0]?.address)
    expect(new Set(firsts).size).toBe(firsts.length)
  })
})

describe('pnpm demo killed during its first start', () => {
  let dataDir: string

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'cam-demo-killed-'))
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('runs again as if never started, and a database that cannot be opened names itself and --reset', async () => {
    // Killed (SIGKILL) while PGlite writes the new database: older versions left a half-made
    // pgdata/ that every later run failed to open ("migrate failed …: Aborted()").
    const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, CAM_DEMO_DIR: dataDir }, stdio: 'ignore' })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const writing = () =>
      [join(dataDir, 'pgdata'), ...(existsSync(dataDir) ? readdirSync(dataDir).filter((entry) => entry.startsWith('.pgdata.creating-')).map((entry) => join(dataDir, entry)) : [])].some(
        (directory) => existsSync(join(directory, 'PG_VERSION')),
      )
    while (child.exitCode === null && !writing()) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(child.exitCode).toBeNull()
    child.kill('SIGKILL')
    await exited
    const rerun = await demo(dataDir, '--days', '1')
    expect(rerun).toMatch(/Created campaign "CAM quickstart demo" with 25 leads/)
    expect(readdirSync(dataDir).filter((entry) => entry.startsWith('.pgdata.creating-'))).toEqual([]) // the killed start's draft is gone

    // A half-made database, as older versions left: a clear error (exit 1), then --reset recovers.
    const database = join(dataDir, 'pgdata')
    await rm(database, { recursive: true, force: true })
    await mkdir(join(database, 'global'), { recursive: true })
    await writeFile(join(database, 'PG_VERSION'), '17\n')
    const failed = (await demo(dataDir).then(
      () => null,
      (error: unknown) => error,
    )) as { code?: number; stderr?: string } | null
    expect(failed?.code).toBe(1)
    expect(failed?.stderr).toContain(database)
    expect(failed?.stderr).toContain('run `pnpm demo --reset` to start over')
    expect(failed?.stderr).not.toMatch(/Aborted\(\)|\n\s+at /) // no WebAssembly abort, no stack trace
    const reset = await demo(dataDir, '--reset', '--days', '1')
    expect(reset).toMatch(/Created campaign/)
  })
})
