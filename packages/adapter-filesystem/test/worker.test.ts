/**
 * The two filesystem adapters inside the real CAM worker (`createCamWorker` + memory store):
 * a small campaign goes out as .eml files, prospects' replies are delivered into the Maildir,
 * and the worker matches, classifies and acts on them — across restarts and a crash.
 */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { createCamClient, createCamWorker, type CamEventPayloads, type StoreV1 } from '@cam/core'
import { createManualClock, createMemoryAlertChannel, createMemoryStore, type MemoryStore } from '@cam/core/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { createFileSender, createMaildirInbox, deliverToMaildir } from '../src/index.js'
import { parsedOutbox } from './support/outbox.js'
import { removeTemporaryDirectories, temporaryDirectory } from './support/temporary-directory.js'

afterAll(removeTemporaryDirectories)

const hour = 3_600_000
const day = 24 * hour
const schedule = { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5] as Array<1 | 2 | 3 | 4 | 5>, startTime: '08:00', endTime: '18:00' }

/** A prospect's reply as raw RFC 5322 text, threaded to the email it answers. */
function reply(options: { from: string; inReplyTo: string; subject: string; body: string; date: Date }): string {
  return [
    `From: ${options.from}`,
    'To: Ana <ana@acme.example>',
    `Subject: ${options.subject}`,
    `Date: ${options.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${randomUUID()}@prospect.example>`,
    `In-Reply-To: ${options.inReplyTo}`,
    `References: ${options.inReplyTo}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body,
    '',
  ].join('\r\n')
}

async function setup(wrapStore: (store: StoreV1) => StoreV1 = (store) => store) {
  const root = await temporaryDirectory('cam-worker-')
  const maildir = join(root, 'Maildir')
  const outbox = join(root, 'outbox')
  const clock = createManualClock(new Date('2026-01-05T09:00:00Z')) // Monday 10:00 in Berlin
  const memoryStore = createMemoryStore({ clock })
  const client = createCamClient({ store: memoryStore, clock })
  const campaign = await client.createCampaign({
    name: 'Filesystem quickstart',
    sender: { email: 'ana@acme.example', name: 'Ana' },
    steps: [
      { subject: 'Quick question, {{ firstName }}', text: 'Hi {{ firstName }}, would this help {{ company }}?', delayDays: 0 },
      { text: 'Following up, {{ firstName }}.', delayDays: 3 },
    ],
    schedule,
    rules: [],
  })
  const leads = await client.addLeads(
    campaign.id,
    ['Lee', 'Kim', 'Sam'].map((firstName) => ({ email: `${firstName.toLowerCase()}@prospect.example`, firstName, company: `${firstName} GmbH` })),
  )
  expect(leads.added).toBe(3)
  await client.startCampaign(campaign.id)
  const alerts = createMemoryAlertChannel({ name: 'console' })
  const store = wrapStore(memoryStore) as StoreV1 & MemoryStore

  /** A worker process: fresh adapter instances on the same directories and store. */
  const startProcess = () => {
    const inbox = createMaildirInbox({ directory: maildir, name: 'replies', createIfMissing: true })
    const sender = createFileSender({ directory: outbox, createIfMissing: true, clock })
    const worker = createCamWorker({ store, inbox, sender, alerts: [alerts], clock, config: { workerId: `worker-${randomUUID().slice(0, 4)}`, stopOnSignals: false, unsubscribe: { secret: 'quickstart-secret-0123456789', url: 'http://localhost:3000/unsubscribe' } } })
    const events = { received: [] as CamEventPayloads['message:received'][], classified: [] as CamEventPayloads['reply:classified'][], stepErrors: [] as unknown[] }
    worker.on('message:received', (event) => void events.received.push(event))
    worker.on('reply:classified', (event) => void events.classified.push(event))
    worker.on('step:error', (event) => void events.stepErrors.push(event))
    return { worker, inbox, events }
  }

  /** The sent emails as the outbox holds them, by recipient. */
  const outboxByRecipient = async () => {
    const files = await parsedOutbox(outbox)
    const byRecipient = new Map<string, typeof files>()
    for (const file of files) {
      const to = file.parsed.to[0]!.address
      byRecipient.set(to, [...(byRecipient.get(to) ?? []), file])
    }
    return byRecipient
  }

  return { clock, memoryStore, client, campaign, leads: leads.addedLeads, alerts, maildir, outbox, startProcess, outboxByRecipient }
}

describe('Maildir inbox + file sender in the CAM worker', () => {
  it('sends a campaign as .eml files, and a reply delivered into the Maildir is matched, classified and alerted once', async () => {
    const { clock, memoryStore, client, campaign, leads, alerts, maildir, startProcess, outboxByRecipient } = await setup()
    const first = startProcess()
    await first.worker.runOnce()
    expect(first.events.stepErrors).toEqual([])

    let outbox = await outboxByRecipient()
    expect([...outbox.keys()].sort()).toEqual(['kim@prospect.example', 'lee@prospect.example', 'sam@prospect.example'])
    const toLee = outbox.get('lee@prospect.example')![0]!.parsed
    expect(toLee.subject).toBe('Quick question, Lee')
    expect(toLee.text).toContain('would this help Lee GmbH?')
    expect(toLee.headers['list-unsubscribe']).toMatch(/^<http:\/\/localhost:3000\/unsubscribe\?token=[^>]+>$/)
    expect(toLee.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click')
    const sentToLee = (await memoryStore.listEmails({ leadId: leads.find((lead) => lead.firstName === 'Lee')!.id }))[0]!
    expect(toLee.messageId).toBe(sentToLee.messageId)

    // Lee answers; Kim asks to be removed. Both land in the Maildir like a real delivery.
    clock.advance(2 * hour)
    await deliverToMaildir(maildir, reply({ from: 'Lee <lee@prospect.example>', inReplyTo: toLee.messageId!, subject: `Re: ${toLee.subject}`, body: "Yes, sounds great — let's talk on Thursday.", date: clock.now() }), { receivedAt: clock.now() })
    const toKim = outbox.get('kim@prospect.example')![0]!.parsed
    await deliverToMaildir(maildir, reply({ from: 'kim@prospect.example', inReplyTo: toKim.messageId!, subject: `Re: ${toKim.subject}`, body: 'Please remove me from your list and stop emailing me.', date: clock.now() }))
    await first.worker.runOnce()
    await first.worker.runOnce() // alerts go out in the cycle after the reply was processed, at the latest

    expect(first.events.received).toHaveLength(2)
    const lee = leads.find((lead) => lead.firstName === 'Lee')!
    const kim = leads.find((lead) => lead.firstName === 'Kim')!
    expect((await client.getLead(lee.id))?.state).toBe('interested')
    expect((await client.getLead(kim.id))?.state).toBe('unsubscribed')
    expect(first.events.classified.find((event) => event.leadId === lee.id)?.classification.category).toBe('positive')
    expect(alerts.delivered.filter((delivered) => delivered.alert.leadId === lee.id)).toHaveLength(1)
    expect(alerts.delivered.find((delivered) => delivered.alert.leadId === lee.id)?.alert.excerpt).toContain('sounds great')
    // The stored message carries the received date the simulator gave the file.
    const inbound = await memoryStore.listInboundMessages({ limit: 10 })
    expect(inbound.map((message) => message.receivedAt.toISOString())).toContain(clock.now().toISOString())

    // A restarted process (new adapter instances, same store and directories) neither
    // re-reads the replies nor re-sends anything; only Sam gets the follow-up, threaded.
    const second = startProcess()
    clock.advance(4 * day)
    for (let cycle = 0; cycle < 3; cycle++) {
      await second.worker.runOnce()
      clock.advance(hour)
    }
    expect(second.events.received).toEqual([])
    expect(second.events.stepErrors).toEqual([])
    outbox = await outboxByRecipient()
    expect(outbox.get('lee@prospect.example')).toHaveLength(1)
    expect(outbox.get('kim@prospect.example')).toHaveLength(1)
    const toSam = outbox.get('sam@prospect.example')!
    expect(toSam).toHaveLength(2)
    const [samFirst, samFollowUp] = toSam.map((file) => file.parsed)
    expect(samFollowUp!.subject).toBe(`Re: ${samFirst!.subject}`)
    expect(samFollowUp!.inReplyTo).toBe(samFirst!.messageId)
    expect(samFollowUp!.references).toEqual([samFirst!.messageId])
    expect(alerts.delivered.filter((delivered) => delivered.alert.leadId === lee.id)).toHaveLength(1)
    expect((await client.listLeads({ campaignId: campaign.id })).map((lead) => lead.state).sort()).toEqual(['completed', 'interested', 'unsubscribed'])
  })

  it('a crash between writing the .eml and recording the send ends with one file per lead', async () => {
    let crashes = 0
    const { clock, memoryStore, campaign, outbox, startProcess } = await setup((store) => ({
      ...store,
      // Records one by one (no group commit), so the crash hits this email's own record.
      recordEmailsSent: undefined,
      async recordEmailSent(input) {
        if (crashes === 0) {
          crashes++
          throw new Error('simulated crash after the file was written, before the store update')
        }
        return store.recordEmailSent(input)
      },
    }))
    const process = startProcess()
    await process.worker.runOnce()
    expect(crashes).toBe(1)
    expect(process.events.stepErrors.length).toBeGreaterThan(0)
    // The crashed claim expires and the email is sent again with the same idempotency key.
    for (let attempt = 0; attempt < 3; attempt++) {
      clock.advance(6 * 60_000)
      await startProcess().worker.runOnce()
    }
    const sent = await memoryStore.listEmails({ campaignId: campaign.id, statuses: ['sent'] })
    expect(sent).toHaveLength(3)
    const files = await parsedOutbox(outbox)
    expect(files).toHaveLength(3)
    expect(files.map((file) => file.parsed.to[0]!.address).sort()).toEqual(['kim@prospect.example', 'lee@prospect.example', 'sam@prospect.example'])
    // Each recorded providerId is the file that holds that email.
    for (const email of sent) expect(files.find((file) => file.fileName === email.providerId)?.parsed.messageId).toBe(email.messageId)
  })
})
