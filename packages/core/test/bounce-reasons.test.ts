import { describe, expect, it } from 'vitest'
import {
  bounceReasonTypes,
  bounceReasons,
  createCamClient,
  createCamWorker,
  createRuleClassifier,
  defaultBounceActions,
  parseRawMessage,
  ValidationError,
  type BounceAction,
  type BounceReason,
  type OutboundEmail,
} from '../src/index.js'
import { createManualClock, createMemoryInbox, createMemorySender, createMemoryStore } from '../src/testing/index.js'
import { bounceMessage } from './support/raw-messages.js'

const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }
const classifier = createRuleClassifier()
const context = { lead: null, campaign: null, outboundEmail: null, now: new Date('2026-03-02T10:00:00Z') }

async function classifyDsn(status: string, diagnostic: string, action: 'failed' | 'delayed' = 'failed') {
  const raw = bounceMessage({ recipient: 'pat@prospect.example', originalMessageId: '<cam.1@sender.example>', status, diagnostic: `smtp; ${diagnostic}` }).replace('Action: failed', `Action: ${action}`).replace(`said: 550 ${status} User unknown`, `said: ${diagnostic}`)
  return classifier.classify(await parseRawMessage(raw), context)
}

describe('bounce reasons', () => {
  it('the taxonomy: every reason has a type; only the four "never works" reasons are hard', () => {
    expect(bounceReasons).toHaveLength(28)
    expect(bounceReasons.filter((reason) => bounceReasonTypes[reason] === 'hard').sort()).toEqual(['has_moved', 'host_unknown', 'not_accepted', 'user_unknown'])
    expect(Object.entries(defaultBounceActions).filter(([, action]) => action === 'suppress').map(([reason]) => reason).sort()).toEqual(['has_moved', 'host_unknown', 'not_accepted', 'user_unknown'])
  })

  // Diagnostics written from each cause's usual wording; the status is what the server sends with it.
  const cases: Array<[BounceReason, string, string]> = [
    ['user_unknown', '5.1.1', '550 5.1.1 <pat@prospect.example>: Recipient address rejected: User unknown in local recipient table'],
    ['host_unknown', '5.1.2', '550 5.1.2 Host or domain name not found. Name service error for name=prospect.example type=MX'],
    ['has_moved', '5.1.6', '550 5.1.6 User has moved; please write to pat.new@elsewhere.example'],
    ['not_accepted', '5.1.10', '556 5.1.10 Recipient address has null MX'],
    ['mailbox_full', '5.2.2', '552 5.2.2 Mailbox full: quota exceeded'],
    ['exceeded_limit', '5.2.3', '552 5.2.3 Message length exceeds administrative limit'],
    ['message_too_big', '5.3.4', '552 5.3.4 Message size exceeds fixed maximum message size'],
    ['suspended', '5.2.1', '550 5.2.1 The email account that you tried to reach is disabled.'],
    ['expired', '4.4.7', '421 4.4.7 Delivery time expired: connection timed out'],
    ['network_error', '5.4.1', '421 5.4.1 No answer from host mx.prospect.example: connection timed out'],
    ['system_error', '5.4.6', '554 5.4.6 Routing loop detected'],
    ['system_error', '5.3.0', '554 5.3.0 Internal server error while storing the message'],
    ['filtered', '5.7.1', '550 5.7.1 Message refused: you are not on the recipient\'s allow list'],
    ['rejected', '5.7.1', '553 5.7.1 <ana@sender.example>: Sender address rejected: Domain not found'],
    ['blocked', '5.7.1', '554 5.7.1 Service unavailable; Client host [198.51.100.23] blocked using zen.spamhaus.org'],
    ['spam_detected', '5.7.1', '550 5.7.1 Our system has detected that this message is likely unsolicited mail.'],
    ['policy_violation', '5.7.1', '550 5.7.1 Message rejected by local policy'],
    ['security_error', '5.7.10', '530 5.7.10 Encryption required: must issue a STARTTLS command first'],
    ['no_relaying', '5.7.1', '554 5.7.1 <pat@prospect.example>: Relay access denied'],
    ['authentication_failure', '5.7.26', '550 5.7.26 Unauthenticated email from sender.example is not accepted due to its DMARC policy'],
    ['bad_reputation', '5.7.1', '550 5.7.1 Email rejected because of the low reputation of the sending domain'],
    ['require_ptr', '5.7.25', '550 5.7.25 The IP address sending this message does not have a PTR record setup'],
    ['virus_detected', '5.7.0', '554 5.7.0 Message rejected: virus found (Eicar-Test-Signature)'],
    ['content_error', '5.6.0', '554 5.6.0 Message contains invalid header: malformed MIME structure'],
    ['syntax_error', '5.5.2', '500 5.5.2 Syntax error, command unrecognized'],
    ['speeding', '5.7.28', '550 5.7.28 Our system has detected an unusual rate of mail from your IP; rate limited'],
    ['too_many_connections', '5.7.0', '554 5.7.0 Too many concurrent connections from your host'],
    ['undefined', '5.0.0', '550 5.0.0 Rejected'],
  ]
  it.each(cases)('%s from "%s %s"', async (reason, status, diagnostic) => {
    const result = await classifyDsn(status, diagnostic)
    expect(result.category).toBe('bounce')
    expect(result.bounce?.reason, result.reason).toBe(reason)
    expect(result.bounce?.status).toBe(status)
    expect(result.bounce?.diagnostic).toBe(diagnostic)
    const temporary = status.startsWith('4')
    expect(result.bounce?.type).toBe(temporary && bounceReasonTypes[reason] !== 'block' ? 'soft' : bounceReasonTypes[reason])
    expect(result.reason).toContain(reason.replace(/_/g, ' '))
  })

  it('a delay warning is soft, on hold when it names no cause, and marked delayed', async () => {
    const result = await classifyDsn('4.0.0', '451 4.0.0 Please try again', 'delayed')
    expect(result.bounce).toMatchObject({ type: 'soft', delayed: true })
    const unknown = await classifyDsn('4.0.0', '', 'delayed')
    expect(unknown.bounce).toMatchObject({ type: 'soft', reason: 'on_hold', delayed: true })
  })

  it('a failed recipient with a temporary status gave up retrying: expired, soft', async () => {
    const result = await classifyDsn('4.4.1', '421 4.4.1 Connection timed out')
    expect(result.bounce).toMatchObject({ type: 'soft', reason: 'expired' })
    expect(result.bounce?.delayed).toBeUndefined()
  })

  it('"user unknown" answered after DATA is a filter, not an unknown address', async () => {
    const result = await classifyDsn('5.1.1', '550 5.1.1 <pat@prospect.example>: Recipient address rejected: User unknown (in reply to end of DATA command)')
    expect(result.bounce).toMatchObject({ type: 'block', reason: 'filtered' })
  })

  it('a decisive status code beats generic wording; specific wording beats a suggestive code', async () => {
    expect((await classifyDsn('5.7.26', '550 5.7.26 Rejected by policy')).bounce?.reason).toBe('authentication_failure')
    expect((await classifyDsn('5.1.1', '550 5.1.1 Mailbox disabled for this recipient')).bounce?.reason).toBe('suspended')
  })
})

/** A two-step campaign whose first emails went out, with an inbox the worker reads. */
async function sentCampaign(bounceActions?: Partial<Record<BounceReason, BounceAction>>) {
  const clock = createManualClock(new Date('2026-03-02T09:00:00Z'))
  const store = createMemoryStore({ clock })
  const inbox = createMemoryInbox({ name: 'replies' })
  const sender = createMemorySender()
  const client = createCamClient({ store, clock, ...(bounceActions ? { bounceActions } : {}) })
  const worker = createCamWorker({ store, inbox, sender, clock, config: { workerId: 'w1', stopOnSignals: false, ...(bounceActions ? { bounceActions } : {}) } })
  const campaign = await client.createCampaign({
    name: 'Bounce actions',
    sender: { email: 'ana@sender.example' },
    steps: [
      { subject: 'Hi', text: 'Hello', delayDays: 0 },
      { text: 'Following up', delayDays: 2 },
    ],
    schedule: anytime,
    dailyCap: 1000,
    rules: [],
  })
  await client.addLeads(campaign.id, Array.from({ length: 4 }, (_, i) => ({ email: `lead${i}@prospect.example` })))
  await client.startCampaign(campaign.id)
  await worker.runOnce()
  const emails: OutboundEmail[] = (await store.listEmails({ campaignId: campaign.id, statuses: ['sent'] })).sort((a, b) => a.leadId.localeCompare(b.leadId))
  const bounce = async (email: OutboundEmail, status: string, diagnostic: string) => {
    const lead = (await client.getLead(email.leadId))!
    inbox.deliver(bounceMessage({ recipient: lead.email, originalMessageId: email.messageId!, status, diagnostic: `smtp; ${diagnostic}`, date: clock.now() }))
  }
  return { store, inbox, client, worker, campaign, emails, bounce }
}

describe('bounce actions by reason', () => {
  it('defaults: user unknown suppresses; a full mailbox and a block list keep the lead in its sequence and count against the sender', async () => {
    const { store, client, worker, campaign, emails, bounce } = await sentCampaign()
    await bounce(emails[0]!, '5.1.1', '550 5.1.1 User unknown')
    await bounce(emails[1]!, '5.2.2', '552 5.2.2 Mailbox full')
    await bounce(emails[2]!, '5.7.1', '554 5.7.1 Client host blocked using zen.spamhaus.org')
    await worker.runOnce()
    const state = async (email: OutboundEmail) => (await client.getLead(email.leadId))!.state
    expect(await state(emails[0]!)).toBe('bounced')
    expect(await state(emails[1]!)).toBe('active')
    expect(await state(emails[2]!)).toBe('active')
    // The next step is still queued for the two retried leads.
    for (const email of [emails[1]!, emails[2]!]) expect(await store.listEmails({ leadId: email.leadId, statuses: ['queued'] })).toHaveLength(1)
    expect((await store.listSuppressions()).map((entry) => entry.reason)).toEqual(['hard_bounce'])
    const counts = (await client.getCampaignMetrics(campaign.id)).lifetime.counts
    expect(counts).toMatchObject({ bounced: 2, hardBounced: 1, blocked: 1, softBounced: 1 })
  })

  it('configured: stop on a full mailbox (no suppression), retry a user unknown', async () => {
    const { store, client, worker, emails, bounce } = await sentCampaign({ mailbox_full: 'stop', user_unknown: 'retry' })
    await bounce(emails[0]!, '5.2.2', '552 5.2.2 Mailbox full')
    await bounce(emails[1]!, '5.1.1', '550 5.1.1 User unknown')
    await worker.runOnce()
    expect((await client.getLead(emails[0]!.leadId))!.state).toBe('bounced')
    expect((await client.getLead(emails[1]!.leadId))!.state).toBe('active')
    expect(await store.listSuppressions()).toHaveLength(0)
  })

  it('a provider-reported bounce follows the same table (client option)', async () => {
    const { client, emails } = await sentCampaign({ mailbox_full: 'stop' })
    const result = await client.recordDeliveryEvent({
      id: 'evt_1',
      provider: 'resend',
      type: 'bounced',
      email: { providerId: emails[0]!.providerId! },
      bounce: { type: 'soft', reason: 'Transient/MailboxFull: the mailbox is full', diagnosticCode: '552 5.2.2 Mailbox full' },
      occurredAt: new Date('2026-03-02T09:05:00Z'),
    })
    expect(result.transition).toMatchObject({ to: 'bounced' })
    const blocked = await client.recordDeliveryEvent({
      id: 'evt_2',
      provider: 'resend',
      type: 'bounced',
      email: { providerId: emails[1]!.providerId! },
      bounce: { type: 'hard', reason: 'Permanent/General', diagnosticCode: '550 5.7.1 Service unavailable, client host blocked using Spamhaus' },
      occurredAt: new Date('2026-03-02T09:05:00Z'),
    })
    // The provider said "Permanent", the diagnostic says a block list: the lead is not suppressed.
    expect(blocked).toMatchObject({ transition: null, suppressed: null })
  })

  it('rejects an unknown reason or action, naming the field', () => {
    const store = createMemoryStore()
    expect(() => createCamClient({ store, bounceActions: { mailbox_ful: 'stop' } as never })).toThrow(ValidationError)
    expect(() => createCamWorker({ store, config: { bounceActions: { mailbox_full: 'drop' } as never } })).toThrow(/bounceActions\.mailbox_full.*'suppress', 'stop' or 'retry'/s)
  })
})

describe('bounce notices in languages without reply phrases', () => {
  const notice = (from: string, subject: string, body: string) =>
    [`From: ${from}`, 'To: ana@sender.example', `Subject: ${subject}`, 'Date: Mon, 2 Mar 2026 09:00:00 +0000', 'Message-ID: <n1@mx.example>', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', body].join('\r\n')

  it.each([
    ['Russian, mailbox full', notice('MAILER-DAEMON@mx.example.ru', 'Сообщение не доставлено', 'Ваше сообщение не может быть доставлено получателю ivan@example.ru.\r\n\r\nПричина: почтовый ящик получателя переполнен.'), 'mailbox_full', 'soft'],
    ['Russian, no such user', notice('MAILER-DAEMON@mx.example.ru', 'Сообщение не доставлено', 'Не удалось доставить сообщение для olga@example.ru.\r\nНет такого пользователя.'), 'user_unknown', 'hard'],
    ['Polish, account suspended', notice('MAILER-DAEMON@poczta.example.pl', 'Wiadomość niedostarczona', 'Wiadomość do jan@example.pl nie może zostać dostarczona.\r\nKonto odbiorcy zostało zablokowane.'), 'suspended', 'soft'],
  ] as const)('%s', async (_, raw, reason, type) => {
    const result = await classifier.classify(await parseRawMessage(raw), context)
    expect(result.category, result.reason).toBe('bounce')
    expect(result.bounce).toMatchObject({ reason, type })
  })
})

describe('provider-reported bounces without a diagnostic', () => {
  it('keep the provider verdict: a permanent bounce with only an explanation suppresses', async () => {
    const { client, store, emails } = await sentCampaign()
    const result = await client.recordDeliveryEvent({
      id: 'evt_plain',
      provider: 'resend',
      type: 'bounced',
      email: { providerId: emails[0]!.providerId! },
      bounce: { type: 'hard', reason: 'Resend reports the email bounced (permanently rejected by the receiving server)' },
      occurredAt: new Date('2026-03-02T09:05:00Z'),
    })
    expect(result.transition).toMatchObject({ to: 'bounced' })
    expect((await store.listSuppressions()).map((entry) => entry.reason)).toEqual(['hard_bounce'])
  })
})
