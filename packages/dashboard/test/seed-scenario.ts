/**
 * Known data for the dashboard's tests, made by CAM itself: the real worker (memory inbox,
 * two pool mailboxes on memory senders, a memory alert channel, the rule classifier) runs
 * simulated days against the store it is given, prospects reply, one message is poison
 * (quarantined), two sends break mid-flight (in doubt), one alert channel is down (pending
 * delivery), a few addresses are suppressed by hand, and a webhook endpoint that answers 503
 * turns its deliveries into dead letters.
 */
import {
  createCamClient,
  createCamWorker,
  createRuleClassifier,
  SendError,
  type CamClient,
  type CamWorker,
  type ClassifierV1,
  type OutboundEmail,
  type StoreV1,
} from '@cam/core'
import { createManualClock, createMemoryAlertChannel, createMemoryInbox, createMemorySender, createWebhookReceiver, type ManualClock, type WebhookReceiver } from '@cam/core/testing'

/** A reply body that tries every trick: it must render as text. */
export const hostileReplyText = `Interested! <script>window.__pwned = 1; alert("xss")</script> <img src=x onerror="window.__pwned = 2; alert(1)"> "quoted" & 'single' </td></table><b>bold?</b>`

/** What the scenario made, for the assertions. */
export interface Scenario {
  client: CamClient
  clock: ManualClock
  campaigns: { main: string; paused: string; draft: string }
  /** Inbound message ids by what they are. */
  messages: { hostile: string; positive: string; negative: string; poison: string }
  inDoubt: string[]
  suppressed: string[]
  worker: CamWorker
  /** The webhook receiver of the endpoint `crm` (answering 503 until a test says otherwise). */
  receiver: WebhookReceiver
  close(): Promise<void>
}

const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

function replyRaw(input: { from: string; to: string; subject: string; inReplyTo: string; text: string; id: string; date: Date }): string {
  return [
    `From: ${input.from}`,
    `To: ${input.to}`,
    `Subject: Re: ${input.subject}`,
    `Message-ID: <${input.id}@prospect.test>`,
    `In-Reply-To: ${input.inReplyTo}`,
    `References: ${input.inReplyTo}`,
    `Date: ${input.date.toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    input.text,
    '',
    `On ${input.date.toUTCString()} Ana wrote:`,
    '> Hi, quick question about your outreach.',
    '',
  ].join('\r\n')
}

/** Runs the scenario on `store` (empty) and returns what it made. */
export async function seedScenario(store: StoreV1, options: { leads?: number } = {}): Promise<Scenario> {
  const clock = createManualClock(new Date('2026-03-02T07:00:00Z')) // a Monday
  const client = createCamClient({ store, clock, alertChannels: ['slack'] })
  const inbox = createMemoryInbox({ name: 'replies' })
  const senders = [createMemorySender({ idempotent: false, name: 'ana' }), createMemorySender({ idempotent: false, name: 'ben' })]
  const channel = createMemoryAlertChannel({ name: 'slack' })
  const receiver = await createWebhookReceiver()
  receiver.answer(() => ({ status: 503 }))
  const rules = createRuleClassifier()
  // A host's classifier around the rule classifier; a message it cannot handle is quarantined.
  const classifier: ClassifierV1 = {
    name: 'rules',
    async classify(message, context) {
      if (message.text.includes('POISON-PILL')) throw new Error('classifier crashed on this message (test poison)')
      return rules.classify(message, context)
    },
  }
  const worker = createCamWorker({
    store,
    clock,
    inbox,
    mailboxes: [
      { name: 'ana@acme.test', from: { email: 'ana@acme.test', name: 'Ana' }, sender: senders[0]!, dailyLimit: 200, rampUp: null, minGapMs: 1000, gapJitterMs: 0 },
      { name: 'ben@acme.test', from: { email: 'ben@acme.test', name: 'Ben' }, sender: senders[1]!, dailyLimit: 200, rampUp: null, minGapMs: 1000, gapJitterMs: 0 },
    ],
    alerts: [channel],
    classifier,
    webhooks: [{ name: 'crm', url: receiver.url, secret: receiver.secret, events: ['reply.classified', 'campaign.paused'], giveUpAfterMs: 3_600_000 }],
    config: { workerId: 'worker-test-1', stopOnSignals: false, maxMessageAttempts: 1 },
  })
  const always = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }
  const main = await client.createCampaign({
    name: 'Q1 founders <outreach>',
    sender: { email: 'ana@acme.test', name: 'Ana' },
    schedule: always,
    dailyCap: 500,
    steps: [
      { subject: 'Quick idea for {{ company }}', text: 'Hi {{ firstName }}, a quick idea.', delayDays: 0 },
      { text: 'Following up, {{ firstName }}.', delayDays: 2 },
    ],
  })
  const count = options.leads ?? 14
  await client.addLeads(
    main.id,
    Array.from({ length: count }, (_, index) => ({ email: `lead${index}@prospect.test`, firstName: `Lead${index}`, lastName: 'Example', company: `Company ${index}` })),
  )
  await client.startCampaign(main.id)
  const paused = await client.createCampaign({ name: 'Nurture', sender: { email: 'ben@acme.test' }, schedule: always, steps: [{ subject: 'Hello again', text: 'Hi again', delayDays: 0 }] })
  await client.addLeads(paused.id, [{ email: 'nurture1@prospect.test' }, { email: 'nurture2@prospect.test' }])
  await client.startCampaign(paused.id)
  const draft = await client.createCampaign({ name: 'Draft campaign', sender: { email: 'ana@acme.test' }, steps: [{ subject: 'Draft', text: 'Draft', delayDays: 0 }] })

  // Each mailbox sends one email per cycle at a frozen clock (its minimum gap): cycles a minute apart.
  const runCycles = async (cycles: number) => {
    for (let index = 0; index < cycles; index++) {
      await worker.runOnce()
      clock.advance(minute)
    }
  }
  // Day 1: first emails go out.
  await runCycles(12)
  await client.pauseCampaign(paused.id, 'paused by the test')

  const firstEmails = new Map<string, OutboundEmail>()
  for (const lead of await client.listLeads({ campaignId: main.id, limit: 1000 })) {
    const sent = (await client.listLeadEmails(lead.id)).find((email) => email.stepIndex === 0 && email.status === 'sent')
    if (sent) firstEmails.set(lead.email, sent)
  }
  const reply = (index: number, text: string, id: string) => {
    const email = firstEmails.get(`lead${index}@prospect.test`)
    if (!email) throw new Error(`seed: lead${index} was not sent its first email`)
    inbox.deliver(replyRaw({ from: `Lead${index} Example <lead${index}@prospect.test>`, to: email.mailbox ?? 'ana@acme.test', subject: email.subject ?? '', inReplyTo: email.messageId, text, id, date: clock.now() }), { receivedAt: clock.now() })
  }
  // Day 2: replies, one of them hostile, one poison.
  clock.advance(day)
  reply(0, 'Sounds interesting — can we talk on Thursday at 3pm? Send me an invite.', 'positive')
  reply(1, 'Not interested, thanks.', 'negative')
  reply(2, 'Please remove me from your list.', 'unsubscribe')
  reply(3, 'What does it cost per month for a team of ten?', 'question')
  reply(4, hostileReplyText, 'hostile')
  reply(5, 'POISON-PILL this breaks the classifier', 'poison')
  channel.failNext(3) // the channel is down for a while: deliveries retried, their last error kept
  await runCycles(3)
  // Day 4: follow-ups; two sends break after handing the email over (in doubt).
  clock.advance(2 * day)
  senders[0]!.failNext(1, SendError.inDoubt('connection lost after the message was handed over (test)'))
  senders[1]!.failNext(1, SendError.inDoubt('connection lost after the message was handed over (test)'))
  await runCycles(12)
  // The claims of the in-doubt emails expire; the next cycles set them aside.
  clock.advance(2 * hour)
  await runCycles(3)

  const suppressed = ['manual-one@blocked.test', 'manual-two@blocked.test', 'ceo@competitor.test']
  for (const email of suppressed) await client.suppress(email, 'manual', 'seeded by the test')

  const replies = await client.listReplies({ limit: 100 })
  const quarantined = await client.listQuarantinedMessages()
  const byId = (suffix: string) => {
    const found = [...replies, ...quarantined].find((message) => message.messageId === `<${suffix}@prospect.test>`)
    if (!found) throw new Error(`seed: reply ${suffix} not stored`)
    return found.id
  }
  const inDoubt = (await client.listInDoubtEmails()).map((email) => email.id)
  return {
    client,
    clock,
    campaigns: { main: main.id, paused: paused.id, draft: draft.id },
    messages: { hostile: byId('hostile'), positive: byId('positive'), negative: byId('negative'), poison: byId('poison') },
    inDoubt,
    suppressed,
    worker,
    receiver,
    close: () => receiver.close(),
  }
}
