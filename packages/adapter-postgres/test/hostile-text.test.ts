import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker, ValidationError, type CamClient, type ClassifierV1, type CycleReport } from '@cam/core'
import { createMemoryAlertChannel, createMemoryInbox, createMemorySender } from '@cam/core/testing'
import { createPostgresStore, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'

// PostgreSQL refuses NUL in text (22021) and lone surrogates in JSON (22P02/22P05). Text
// from leads, campaigns and replies is sanitised once, at the domain boundary, so none of
// it reaches the database: before, one NUL in one lead lost the whole addLeads batch and a
// NUL in a reply failed its processing until it was quarantined, with no alert.

const schema = testSchemaName('hostile_text')
const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }
// Every control character but TAB, LF and CR, DEL, and the C1 controls.
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const removedControls = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/
const loneSurrogate = /\p{Cs}/u
let dropSchema: () => Promise<void> = async () => {}
let pool: pg.Pool
let store: PostgresStore
let client: CamClient

beforeAll(async () => {
  dropSchema = await createMigratedSchema(schema)
  pool = new pg.Pool({ connectionString: databaseUrl, max: 4 })
  store = createPostgresStore({ pool, schema })
  client = createCamClient({ store })
})
afterAll(async () => {
  await store?.close()
  await pool?.end()
  await dropSchema()
})

/** Every string inside `value` (objects and arrays walked). */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsOf)
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) return Object.values(value).flatMap(stringsOf)
  return []
}

/** Every text column of every row of `table`, as one JSON string per row. */
async function rowsAsText(table: string): Promise<string[]> {
  const { rows } = await pool.query(`SELECT row_to_json(t)::text AS row FROM "${schema}".${table} t`)
  return rows.map((row: { row: string }) => row.row)
}

describe('hostile text against the PostgreSQL store', () => {
  it('addLeads: NUL and lone surrogates in text fields are removed and the leads stored; addresses with control characters are reported; the valid leads are stored', async () => {
    const campaign = await client.createCampaign({ name: 'Leads', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Hi {{ firstName }}', text: 'Hello {{ role }}', delayDays: 0 }] })
    const report = await client.addLeads(campaign.id, [
      { email: 'valid@prospect.example', firstName: 'Val', variables: { role: 'CTO' } },
      { email: 'nul@prospect.example', firstName: 'Bo\u0000b', lastName: 'Sur\ud800rogate', company: 'Acme\u001b[31m\nInc', variables: { role: 'Head\u0000 of\nsales\u0007', note: 'x\udc00y' } },
      { email: 'bo\u0000b@prospect.example', firstName: 'Nul address', variables: { role: 'x' } },
      { email: 'del\u007f@prospect.example', variables: { role: 'x' } },
      { email: 'esc\u001b@prospect.example', variables: { role: 'x' } },
      { email: 'back\bspace@prospect.example', variables: { role: 'x' } },
      { email: 'bad-variable-name@prospect.example', variables: { role: 'x', 'ro\u0000le': 'y' } },
      { email: 'also-valid@prospect.example', firstName: 'Al', variables: { role: 'CEO' } },
    ])
    expect(report.invalidLeads.map((lead) => ({ index: lead.index, paths: lead.issues.map((issue) => issue.path) }))).toEqual([
      { index: 2, paths: ['email'] },
      { index: 3, paths: ['email'] },
      { index: 4, paths: ['email'] },
      { index: 5, paths: ['email'] },
      { index: 6, paths: ['variables'] },
    ])
    expect(report.invalidLeads[0]!.issues[0]!.message).toMatch(/control character/)
    expect(report.added).toBe(3)
    const stored = await client.listLeads({ campaignId: campaign.id })
    expect(stored.map((lead) => lead.emailNormalized).sort()).toEqual(['also-valid@prospect.example', 'nul@prospect.example', 'valid@prospect.example'])
    const hostile = stored.find((lead) => lead.emailNormalized === 'nul@prospect.example')!
    expect(hostile).toMatchObject({ firstName: 'Bob', lastName: 'Sur\ufffdrogate', company: 'Acme[31m Inc', variables: { role: 'Head of\nsales', note: 'x\ufffdy' } })
    for (const row of await rowsAsText('leads')) {
      expect(row).not.toMatch(/\\u00(0|1)[0-9a-f]|\\u007f/i)
    }
  })

  it('createCampaign and updateCampaign: NUL in the name, sender name and step templates is removed, not a database error', async () => {
    const campaign = await client.createCampaign({
      name: 'Spring\u0000 outreach\nQ2',
      sender: { email: 'ana@sender.example', name: 'Ana\u0000\r\nBcc: evil@attacker.example' },
      steps: [{ subject: 'Hi\u0000 {{ firstName }}', text: 'Hello\u0000\nthere\ud800', html: '<p>Hello\u0000</p>', delayDays: 0 }],
    })
    expect(campaign.name).toBe('Spring outreach Q2')
    expect(campaign.sender.name).toBe('Ana Bcc: evil@attacker.example')
    expect(campaign.steps[0]).toMatchObject({ subject: 'Hi {{ firstName }}', text: 'Hello\nthere\ufffd', html: '<p>Hello</p>' })
    const updated = await client.updateCampaign(campaign.id, { name: 'Renamed\u0000' })
    expect(updated.name).toBe('Renamed')
    expect((await client.getCampaign(campaign.id))?.steps[0]?.text).toBe('Hello\nthere\ufffd')
  })

  it('a reply with NUL bytes in its subject, body and a base64 part is processed, classified and alerted; nothing stored holds a control character', async () => {
    const alerts = createMemoryAlertChannel({ name: 'slack' })
    const inbox = createMemoryInbox()
    const sender = createMemorySender()
    const campaign = await client.createCampaign({ name: 'Replies', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Quick question', text: 'Hi', delayDays: 0 }], schedule: anytime, rules: [] })
    await client.addLeads(campaign.id, [{ email: 'bob@replies.example', firstName: 'Bob' }])
    await client.startCampaign(campaign.id)
    const worker = createCamWorker({ store, inbox, sender, alerts: [alerts], config: { stopOnSignals: false } })
    const failures: unknown[] = []
    worker.on('message:failed', (event) => void failures.push(event.error))
    await worker.runOnce()
    const [sent] = sender.sent
    expect(sent).toBeDefined()

    const boundary = `b-${randomUUID()}`
    const base64Body = Buffer.from("Yes\u0000, I'm interested\u0000. Let's book a call next week.\r\n", 'utf8').toString('base64')
    const encodedSubject = `=?utf-8?B?${Buffer.from('Re: Quick question\u0000\n*Category* Negative', 'utf8').toString('base64')}?=`
    const raw = Buffer.concat([
      Buffer.from(
        [
          'From: "Bob\u0000 Prospect" <bob@replies.example>',
          'To: Ana <ana@sender.example>',
          `Subject: ${encodedSubject}`,
          `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
          `Message-ID: <${randomUUID()}@replies.example>`,
          `In-Reply-To: ${sent!.email.messageId}`,
          'X-Note: a\u0000b',
          'MIME-Version: 1.0',
          `Content-Type: multipart/alternative; boundary="${boundary}"`,
          '',
          `--${boundary}`,
          'Content-Type: text/plain; charset=utf-8',
          'Content-Transfer-Encoding: base64',
          '',
          base64Body,
          `--${boundary}`,
          'Content-Type: text/html; charset=utf-8',
          'Content-Transfer-Encoding: 8bit',
          '',
          '<p>Yes\u0000, I&#39;m interested. Let&#39;s book a call next week.</p>',
          `--${boundary}--`,
          '',
        ].join('\r\n'),
        'utf8',
      ),
    ])
    expect(raw.includes(0)).toBe(true)
    inbox.deliver(raw)

    const report: CycleReport = await worker.runOnce()
    expect(failures).toEqual([])
    expect(report.steps.find((step) => step.name === 'process')).toMatchObject({ status: 'ok', counts: { processed: 1, errors: 0 } })
    const [message] = await store.listInboundMessages({ limit: 10 })
    expect(message).toMatchObject({ status: 'processed', lastError: null, classification: { category: 'positive' } })
    expect(alerts.delivered).toHaveLength(1)
    const alert = alerts.delivered[0]!.alert
    expect(alert.subject).toBe('Re: Quick question *Category* Negative')
    expect(alert.excerpt).toContain("Yes, I'm interested. Let's book a call next week.")
    const [storedAlert] = await client.listAlerts({ campaignId: campaign.id })
    expect(storedAlert).toMatchObject({ subject: alert.subject, excerpt: alert.excerpt })
    for (const text of stringsOf([alert, storedAlert, message!.classification, message!.note])) {
      expect(text).not.toMatch(removedControls)
      expect(text).not.toMatch(loneSurrogate)
    }
    expect((await client.getLead((await client.listLeads({ campaignId: campaign.id }))[0]!.id))?.state).toBe('interested')
  })

  it('a bounce whose diagnostic line is cut inside an emoji is recorded (a lone surrogate in the classification was refused by jsonb)', async () => {
    const inbox = createMemoryInbox({ name: 'bounces' })
    const sender = createMemorySender()
    const campaign = await client.createCampaign({ name: 'Bounces', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }], schedule: anytime, rules: [] })
    await client.addLeads(campaign.id, [{ email: 'gone@bounces.example' }])
    await client.startCampaign(campaign.id)
    const worker = createCamWorker({ store, inbox, sender, alerts: [], config: { stopOnSignals: false } })
    const failures: unknown[] = []
    worker.on('message:failed', (event) => void failures.push(event.error))
    await worker.runOnce()
    const [sent] = sender.sent
    const start = '<gone@bounces.example>: host mx.bounces.example said: 550 5.1.1 User unknown '
    const line = `${start}${'x'.repeat(499 - start.length)}\u{1F600} and more`
    expect(line.charCodeAt(499)).toBe(0xd83d)
    inbox.deliver(
      [
        'From: MAILER-DAEMON@mx.bounces.example (Mail Delivery System)',
        'To: ana@sender.example',
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <${randomUUID()}@mx.bounces.example>`,
        `In-Reply-To: ${sent!.email.messageId}`,
        'Content-Type: text/plain; charset=utf-8',
        '',
        'This is the mail system at host mx.bounces.example.',
        '',
        line,
        '',
      ].join('\r\n'),
    )
    await worker.runOnce()
    expect(failures).toEqual([])
    const [message] = (await store.listInboundMessages({ limit: 100 })).filter((stored) => stored.inbox === 'bounces')
    expect(message).toMatchObject({ status: 'processed', classification: { category: 'bounce' } })
    expect(stringsOf(message!.classification).some((text) => loneSurrogate.test(text))).toBe(false)
    expect((await client.listLeads({ campaignId: campaign.id }))[0]?.state).toBe('bounced')
  })

  it('a classifier that echoes NUL bytes and lone surrogates into its reason (a model may) does not break the reply', async () => {
    const inbox = createMemoryInbox({ name: 'echoing' })
    const sender = createMemorySender()
    const slack = createMemoryAlertChannel({ name: 'slack' })
    const campaign = await client.createCampaign({ name: 'Echo', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }], schedule: anytime, rules: [] })
    await client.addLeads(campaign.id, [{ email: 'echo@prospect.example' }])
    await client.startCampaign(campaign.id)
    const classifier: ClassifierV1 = {
      name: 'echoing-model',
      async classify() {
        return { category: 'referral', confidence: 0.9, reason: 'the reply says \u0000"talk to \ud800 Bo"', referralEmail: 'bo\u0000@prospect.example', classifier: 'model\u0007' }
      },
    }
    const worker = createCamWorker({ store, inbox, sender, classifier, alerts: [slack], config: { stopOnSignals: false } })
    const failures: unknown[] = []
    worker.on('message:failed', (event) => void failures.push(event.error))
    await worker.runOnce()
    inbox.deliver(['From: echo@prospect.example', 'To: ana@sender.example', 'Subject: Re: Hello', `Message-ID: <${randomUUID()}@prospect.example>`, `In-Reply-To: ${sender.sent[0]!.email.messageId}`, '', 'Talk to Bo.', ''].join('\r\n'))
    await worker.runOnce()
    expect(failures).toEqual([])
    const [message] = (await store.listInboundMessages({ limit: 100 })).filter((stored) => stored.inbox === 'echoing')
    expect(message).toMatchObject({ status: 'processed', classification: { category: 'referral', reason: 'the reply says "talk to \ufffd Bo"', classifier: 'model' } })
    expect(message!.classification?.referralEmail).toBeUndefined()
    expect(slack.delivered).toHaveLength(1)
  })

  it('a Message-ID with a NUL byte neither stops the poll step nor the others', async () => {
    const inbox = createMemoryInbox({ name: 'nul-ids' })
    const worker = createCamWorker({ store, inbox, sender: createMemorySender(), alerts: [], config: { stopOnSignals: false } })
    inbox.deliver(['From: someone@else.example', 'Subject: hello', `Message-ID: <a\u0000b-${randomUUID()}@else.example>`, '', 'Hi', ''].join('\r\n'))
    inbox.deliver(['From: other@else.example', 'Subject: hello', `Message-ID: <${randomUUID()}@else.example>`, '', 'Hi', ''].join('\r\n'))
    const report = await worker.runOnce()
    expect(report.steps.find((step) => step.name === 'poll')).toMatchObject({ status: 'ok' })
    const stored = (await store.listInboundMessages({ limit: 100 })).filter((message) => message.inbox === 'nul-ids')
    expect(stored).toHaveLength(2)
    expect(stored.every((message) => message.status === 'processed')).toBe(true)
  })

  it('a ValidationError for a campaign names the fields and never echoes the hostile value', async () => {
    const error = await client.createCampaign({ name: '', sender: { email: 'ana\u0000@sender.example' }, steps: [{ subject: 'x', text: 'y', delayDays: 0 }] }).catch((e: unknown) => e)
    expect(ValidationError.isInstance(error)).toBe(true)
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['name', 'sender.email'])
    expect((error as Error).message).not.toMatch(removedControls)
  })
})
