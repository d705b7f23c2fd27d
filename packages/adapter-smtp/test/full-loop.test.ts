/**
 * The full loop with real components only: CAM's worker on PostgreSQL sends a two-step campaign
 * from a pool of two mailboxes (ana@ and ben@acme.test), each a `createSmtpSender` logged in to a
 * real SMTP server (the `smtp-server` package) and a `createImapInbox` on its own account of a
 * throwaway Dovecot. The SMTP server is the mail system of both sides: it delivers what it
 * accepts into the prospects' Maildirs on the same Dovecot, refuses an unknown recipient
 * (`550 5.1.1`), greylists one (`451 4.7.1`, first attempt only) and, for one accepted message,
 * later writes an RFC 3464 bounce report into the sender's mailbox. A prospect's reply is put
 * into the mailbox it answers with IMAP APPEND. Every outcome is read back from the store, the
 * prospects' Maildirs and the senders' Sent folders.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import { createImapInbox, type ImapInbox } from '@cam/adapter-imap'
import { createPostgresStore, migrate, type PostgresStore } from '@cam/adapter-postgres'
import { createCamClient, createCamWorker, parseRawMessage, type CamWorker, type Lead, type MailboxConfig, type OutboundEmail } from '@cam/core'
import { createManualClock, createMemoryAlertChannel } from '@cam/core/testing'
import { ImapFlow } from 'imapflow'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSmtpSender, type SmtpSender } from '../src/index.js'
import { startDovecot, type DovecotServer } from '../../adapter-imap/test/support/dovecot-server.js'
import { readMaildir } from './support/maildir.js'
import { startReceivingMta, type ReceivingMta } from './support/receiving-mta.js'

const minute = 60_000
const day = 24 * 60 * minute
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = `cam_test_full_loop_${randomBytes(4).toString('hex')}`

const senderAddresses = ['ana@acme.test', 'ben@acme.test'] as const
/** The prospects, by the part each plays. */
const prospect = {
  replier: { email: 'lee@prospect.test', firstName: 'Lee' },
  quiet: { email: 'kim@prospect.test', firstName: 'Kim' },
  alsoQuiet: { email: 'max@prospect.test', firstName: 'Max' },
  greylisted: { email: 'noa@prospect.test', firstName: 'Noa' },
  /** Accepted by the server, bounced later with a DSN. */
  bouncesLater: { email: 'sam@prospect.test', firstName: 'Sam' },
  /** No such mailbox: 550 5.1.1 at RCPT TO. */
  unknown: { email: 'zoe@prospect.test', firstName: 'Zoe' },
} as const
/** Prospects with a mailbox on the Dovecot. */
const mailboxProspects = [prospect.replier, prospect.quiet, prospect.alsoQuiet, prospect.greylisted]

let dovecot: DovecotServer
let mta: ReceivingMta
let store: PostgresStore
const passwords = new Map<string, string>()
const cleanups: Array<() => Promise<void>> = []
const clock = createManualClock(new Date('2030-03-04T09:00:00Z')) // a Monday

const maildirOf = (address: string) => join(dovecot.directory, 'home', address, 'Maildir')

async function withImap<T>(user: string, body: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user, pass: passwords.get(user)! }, logger: false, disableAutoIdle: true })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return await body(client)
  } finally {
    await client.logout().catch(() => undefined)
  }
}

/** The raw messages of one folder of a Dovecot account. */
async function folderMessages(user: string, folder: string): Promise<Buffer[]> {
  return await withImap(user, async (client) => {
    const lock = await client.getMailboxLock(folder)
    try {
      const messages: Buffer[] = []
      if ((client.mailbox && client.mailbox.exists) === 0) return messages
      for await (const message of client.fetch('1:*', { source: true })) messages.push(message.source ?? Buffer.alloc(0))
      return messages
    } finally {
      lock.release()
    }
  })
}

beforeAll(async () => {
  const accounts = [...senderAddresses, ...mailboxProspects.map((entry) => entry.email)].map((user) => ({ user, password: randomBytes(9).toString('base64url') }))
  for (const account of accounts) passwords.set(account.user, account.password)
  dovecot = await startDovecot({ user: accounts[0]!.user, password: accounts[0]!.password, extraUsers: accounts.slice(1) })
  cleanups.push(() => dovecot.dispose())
  for (const address of senderAddresses) await withImap(address, (client) => client.mailboxCreate('Sent'))

  mta = await startReceivingMta({
    hostname: 'mx.test',
    senders: Object.fromEntries(senderAddresses.map((address) => [address, passwords.get(address)!])),
    maildirs: Object.fromEntries([...senderAddresses, ...mailboxProspects.map((entry) => entry.email)].map((address) => [address, maildirOf(address)])),
    greylisted: [prospect.greylisted.email],
    bounceLater: {
      [prospect.bouncesLater.email]: { status: '5.1.1', diagnostic: `550 5.1.1 <${prospect.bouncesLater.email}>: Recipient address rejected: User unknown in local recipient table`, remoteMta: 'mail.prospect.test' },
    },
    now: () => clock.now(),
  })
  cleanups.push(() => mta.close())

  await migrate({ connectionString: databaseUrl, schema })
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    } finally {
      await client.end()
    }
  })
  store = createPostgresStore({ connectionString: databaseUrl, schema })
  cleanups.push(() => store.close())
}, 120_000)

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.error('cleanup failed:', error))
}, 60_000)

describe('the full loop: SMTP pool → mail system → Dovecot → IMAP → worker on PostgreSQL', () => {
  it('sends from the pool, retries a greylisted recipient, bounces at RCPT and by DSN, alerts once on a positive reply, threads follow-ups on their mailbox', async () => {
    const client = createCamClient({ store, clock })
    const alerts = createMemoryAlertChannel({ name: 'sales-alerts' })
    const senders = new Map<string, SmtpSender>()
    const inboxes: ImapInbox[] = []
    const mailboxes: MailboxConfig[] = senderAddresses.map((address) => {
      const sender = createSmtpSender({
        host: mta.host,
        port: mta.port,
        requireTls: false,
        auth: { user: address, pass: passwords.get(address)! },
        // The same account's Sent folder on the Dovecot, with the SMTP credentials.
        sentFolder: { imap: { host: dovecot.host, port: dovecot.port, secure: false, requireTls: false } },
        clock,
      })
      senders.set(address, sender)
      const inbox = createImapInbox({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: address, pass: passwords.get(address)! }, name: `imap:${address}` })
      inboxes.push(inbox)
      return { name: address, from: { email: address, name: address.startsWith('ana') ? 'Ana Costa' : 'Ben Okafor' }, sender, inbox, dailyLimit: 30, rampUp: null, minGapMs: 0, gapJitterMs: 0 }
    })
    cleanups.push(async () => {
      for (const sender of senders.values()) await sender.close()
      for (const inbox of inboxes) await inbox.close()
    })

    const campaign = await client.createCampaign({
      name: 'Full loop',
      sender: { email: 'team@acme.test' },
      steps: [
        { subject: 'Quick question, {{ firstName }}', text: 'Hi {{ firstName }},\n\nwould a 15-minute call next week be useful?\n\nAna & Ben', delayDays: 0 },
        { text: 'Hi {{ firstName }}, just bringing this back to the top of your inbox.', delayDays: 2 },
      ],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
      rules: [],
      mailboxes: [...senderAddresses],
    })
    const added = await client.addLeads(campaign.id, Object.values(prospect).map((entry) => ({ ...entry })))
    expect(added.added).toBe(6)
    await client.startCampaign(campaign.id)

    const worker: CamWorker = createCamWorker({ store, mailboxes, alerts: [alerts], clock, config: { workerId: 'full-loop-worker', stopOnSignals: false } })
    cleanups.push(() => worker.stop())
    const leadIds = new Map<string, string>((await client.listLeads({ campaignId: campaign.id })).map((lead) => [lead.email, lead.id]))
    const idOf = (entry: { email: string }) => leadIds.get(entry.email)!
    let cycle = 0
    const sentOnCycle = new Map<string, number>() // `${leadId}:${step}` → cycle
    const retriedOnCycle = new Map<string, number>()
    worker.on('email:sent', (event) => {
      sentOnCycle.set(`${event.leadId}:${event.stepIndex}`, cycle)
    })
    worker.on('email:failed', (event) => {
      if (!event.permanent) retriedOnCycle.set(`${event.leadId}:${event.stepIndex}`, cycle)
    })
    worker.on('worker:error', (event) => console.error('worker error:', event.during, event.error))
    worker.on('step:error', (event) => console.error('step error:', event.step, event.error))
    const runCycle = async () => {
      cycle++
      await worker.runOnce()
      clock.advance(10 * minute)
    }
    /** Runs cycles (10 simulated minutes apart) until `done`, at most `limit`. */
    const runUntil = async (done: () => Promise<boolean>, limit: number, what: string) => {
      for (let run = 0; run < limit; run++) {
        await runCycle()
        if (await done()) return
      }
      throw new Error(`not reached after ${limit} cycles: ${what}`)
    }
    const leadOf = async (entry: { email: string }): Promise<Lead> => (await client.getLead(idOf(entry)))!
    const emailsOf = async (entry: { email: string }): Promise<OutboundEmail[]> =>
      (await store.listEmails({ campaignId: campaign.id, statuses: ['queued', 'sending', 'sent', 'failed', 'cancelled', 'in_doubt'] }))
        .filter((email) => email.leadId === idOf(entry))
        .sort((a, b) => a.stepIndex - b.stepIndex)
    const firstTouchesDone = async () => {
      const firsts = (await store.listEmails({ campaignId: campaign.id, statuses: ['queued', 'sending'] })).filter((email) => email.stepIndex === 0)
      return firsts.length === 0
    }

    // ── 1. First touches over SMTP, rotated across the pool ─────────────────────────────────
    await runUntil(firstTouchesDone, 8, 'every first touch sent or failed')

    // The unknown recipient: refused at RCPT TO, bounced and suppressed at once — no DSN needed.
    const unknownAttempts = mta.recipientAttempts.filter((attempt) => attempt.recipient === prospect.unknown.email)
    expect(unknownAttempts.map((attempt) => attempt.code)).toEqual([550])
    expect(unknownAttempts[0]!.reply).toMatch(/^5\.1\.1 /)
    expect(mta.accepted.some((message) => message.recipients.includes(prospect.unknown.email))).toBe(false)
    expect(await leadOf(prospect.unknown)).toMatchObject({ state: 'bounced' })
    expect((await emailsOf(prospect.unknown))[0]).toMatchObject({ status: 'failed', lastError: expect.stringContaining('550 5.1.1') })
    const suppressedAtOnce = await store.listSuppressions()
    expect(suppressedAtOnce.map((entry) => [entry.email, entry.reason])).toEqual([[prospect.unknown.email, 'hard_bounce']])

    // The greylisted recipient: 451 4.7.1 first, retried on a later cycle and sent; the lead is active.
    const greyAttempts = mta.recipientAttempts.filter((attempt) => attempt.recipient === prospect.greylisted.email)
    expect(greyAttempts.map((attempt) => attempt.code)).toEqual([451, 250])
    expect(greyAttempts[0]!.reply).toMatch(/^4\.7\.1 /)
    const greyKey = `${idOf(prospect.greylisted)}:0`
    expect(retriedOnCycle.get(greyKey)).toBeDefined()
    expect(sentOnCycle.get(greyKey)).toBeGreaterThan(retriedOnCycle.get(greyKey)!)
    expect((await emailsOf(prospect.greylisted))[0]).toMatchObject({ status: 'sent', attempts: 2 })
    expect(await leadOf(prospect.greylisted)).toMatchObject({ state: 'active' })
    expect(readMaildir(maildirOf(prospect.greylisted.email))).toHaveLength(1)

    // The one that will bounce later was accepted like any other: sent, the lead active.
    expect(mta.accepted.filter((message) => message.recipients.includes(prospect.bouncesLater.email))).toHaveLength(1)
    expect(await leadOf(prospect.bouncesLater)).toMatchObject({ state: 'active' })

    // Rotation: both mailboxes carry first touches, each logged in as itself and sending as itself.
    const firstTouches = (await store.listEmails({ campaignId: campaign.id, statuses: ['sent', 'failed'] })).filter((email) => email.stepIndex === 0)
    expect(firstTouches).toHaveLength(6)
    for (const address of senderAddresses) expect(firstTouches.filter((email) => email.mailbox === address).length).toBeGreaterThanOrEqual(2)
    // A lead that got its first touch keeps its mailbox for the thread.
    for (const email of firstTouches.filter((candidate) => candidate.status === 'sent')) expect((await client.getLead(email.leadId))!.mailbox).toBe(email.mailbox)
    expect(mta.accepted).toHaveLength(5)
    for (const message of mta.accepted) {
      const parsed = await parseRawMessage(message.raw)
      const email = firstTouches.find((candidate) => candidate.messageId === parsed.messageId)
      expect(email, `a first touch with Message-ID ${parsed.messageId}`).toBeDefined()
      expect(message.user).toBe(email!.mailbox)
      expect(message.mailFrom).toBe(email!.mailbox)
      expect(parsed.from?.address).toBe(email!.mailbox)
      expect(message.dsn).toEqual({ ret: 'HDRS', envid: email!.id }) // DSN asked for, CAM's email id as ENVID
    }
    expect(mta.logins.every((login) => login.ok)).toBe(true)

    // ── 2. A remote bounce and a positive reply arrive in the senders' mailboxes ────────────
    expect(mta.returnBounces()).toBe(1)
    const bouncedFrom = (await emailsOf(prospect.bouncesLater))[0]!.mailbox!
    const replierFirstTouch = readMaildir(maildirOf(prospect.replier.email))
    expect(replierFirstTouch).toHaveLength(1)
    const received = await parseRawMessage(replierFirstTouch[0]!)
    const answered = received.from!.address!
    expect(answered).toBe((await leadOf(prospect.replier)).mailbox)
    const reply = [
      `From: Lee Park <${prospect.replier.email}>`,
      `To: ${received.from!.name ? `${received.from!.name} ` : ''}<${answered}>`,
      `Subject: Re: ${received.subject}`,
      `Date: ${clock.now().toUTCString()}`,
      `Message-ID: <reply.${randomBytes(6).toString('hex')}@prospect.test>`,
      `In-Reply-To: ${received.messageId}`,
      `References: ${received.messageId}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      "Yes, I'm interested. Let's book a call next week - Tuesday afternoon works for me.",
      '',
      'Lee',
      '',
      `On ${received.date?.toUTCString() ?? 'Monday'}, ${answered} wrote:`,
      '> would a 15-minute call next week be useful?',
      '',
    ].join('\r\n')
    await withImap(answered, (imap) => imap.append('INBOX', reply))

    await runUntil(
      async () => (await leadOf(prospect.bouncesLater)).state === 'bounced' && (await leadOf(prospect.replier)).state === 'interested' && alerts.delivered.length > 0,
      6,
      'the DSN and the reply read over IMAP, processed and alerted',
    )
    // More cycles: nothing is read, counted or alerted twice.
    await runCycle()
    await runCycle()

    // The DSN, read over IMAP from the mailbox that sent the email: bounced, suppressed, counted once.
    const inbound = await store.listInboundMessages({ limit: 100 })
    const dsn = inbound.filter((message) => message.leadId === idOf(prospect.bouncesLater))
    expect(dsn).toHaveLength(1)
    expect(dsn[0]).toMatchObject({ inbox: `imap:${bouncedFrom}`, status: 'processed', outboundEmailId: (await emailsOf(prospect.bouncesLater))[0]!.id })
    expect(dsn[0]!.classification).toMatchObject({ category: 'bounce', bounce: expect.objectContaining({ type: 'hard' }) })
    expect(await leadOf(prospect.bouncesLater)).toMatchObject({ state: 'bounced' })
    const suppressions = await store.listSuppressions()
    expect(suppressions.map((entry) => [entry.email, entry.reason]).sort()).toEqual([
      [prospect.bouncesLater.email, 'hard_bounce'],
      [prospect.unknown.email, 'hard_bounce'],
    ])
    const metrics = await client.getCampaignMetrics(campaign.id)
    expect(metrics.lifetime.counts).toMatchObject({ sent: 5, bounced: 2, hardBounced: 2, replied: 1, positive: 1 })
    const bouncesByMailbox = Object.fromEntries((await client.listMailboxes()).map((mailbox) => [mailbox.name, mailbox.lifetime.counts.bounced]))
    const expectedBounces = Object.fromEntries(senderAddresses.map((address) => [address, 0]))
    expectedBounces[bouncedFrom]!++
    expectedBounces[(await emailsOf(prospect.unknown))[0]!.mailbox!]!++
    expect(bouncesByMailbox).toEqual(expectedBounces)

    // The reply: matched to its lead, positive, the lead interested, exactly one alert.
    const replies = inbound.filter((message) => message.leadId === idOf(prospect.replier))
    expect(replies).toHaveLength(1)
    expect(replies[0]).toMatchObject({ inbox: `imap:${answered}`, status: 'processed' })
    expect(replies[0]!.classification).toMatchObject({ category: 'positive' })
    expect(await leadOf(prospect.replier)).toMatchObject({ state: 'interested' })
    expect(alerts.delivered).toHaveLength(1)
    expect(alerts.delivered[0]!.alert).toMatchObject({ kind: 'reply', category: 'positive', leadEmail: prospect.replier.email, campaignId: campaign.id })

    // ── 3. Follow-ups, two days later: from each thread's mailbox, in its thread ────────────
    clock.advance(2 * day)
    const followUpsOf = [prospect.quiet, prospect.alsoQuiet, prospect.greylisted]
    await runUntil(async () => {
      for (const entry of followUpsOf) if ((await emailsOf(entry))[1]?.status !== 'sent') return false
      return true
    }, 8, 'the follow-ups of the leads that did not answer')
    await runCycle()

    for (const entry of followUpsOf) {
      const [first, second] = await emailsOf(entry)
      expect(second).toMatchObject({ status: 'sent', mailbox: first!.mailbox, inReplyTo: first!.messageId })
      // What the prospect got: two messages from the same address, the second in the first's thread.
      const inMaildir = await Promise.all(readMaildir(maildirOf(entry.email)).map((raw) => parseRawMessage(raw)))
      expect(inMaildir).toHaveLength(2)
      const [touch, followUp] = inMaildir
      expect(touch!.messageId).toBe(first!.messageId)
      expect(followUp!.messageId).toBe(second!.messageId)
      expect(followUp!.inReplyTo).toBe(touch!.messageId)
      expect(followUp!.references).toEqual([touch!.messageId])
      expect(followUp!.from?.address).toBe(first!.mailbox)
      expect(touch!.from?.address).toBe(first!.mailbox)
      expect(followUp!.subject).toBe(`Re: ${touch!.subject}`)
      const submissions = mta.accepted.filter((message) => message.recipients.includes(entry.email))
      expect(submissions.map((message) => message.user)).toEqual([first!.mailbox, first!.mailbox])
    }
    // No follow-up for the replier, the bounced and the refused.
    expect(readMaildir(maildirOf(prospect.replier.email))).toHaveLength(1)
    expect(mta.accepted.filter((message) => message.recipients.includes(prospect.bouncesLater.email))).toHaveLength(1)
    expect(mta.recipientAttempts.filter((attempt) => attempt.recipient === prospect.unknown.email)).toHaveLength(1)
    expect(mta.accepted).toHaveLength(8)

    // Final states, and still one alert, two bounces.
    const states = Object.fromEntries(await Promise.all(Object.entries(prospect).map(async ([role, entry]) => [role, (await leadOf(entry)).state])))
    expect(states).toEqual({ replier: 'interested', quiet: 'completed', alsoQuiet: 'completed', greylisted: 'completed', bouncesLater: 'bounced', unknown: 'bounced' })
    expect(alerts.delivered).toHaveLength(1)
    expect((await client.getCampaignMetrics(campaign.id)).lifetime.counts).toMatchObject({ sent: 8, bounced: 2, hardBounced: 2, positive: 1 })
    expect((await client.listMailboxes()).every((mailbox) => mailbox.status === 'active')).toBe(true)

    // Each mailbox's Sent folder holds exactly what it sent, byte for byte.
    for (const address of senderAddresses) {
      const sent = (await folderMessages(address, 'Sent')).map((raw) => raw.toString('latin1')).sort()
      const submitted = mta.accepted.filter((message) => message.user === address).map((message) => message.raw.toString('latin1')).sort()
      expect(sent.length).toBeGreaterThan(0)
      expect(sent).toEqual(submitted)
    }
  }, 300_000)
})
