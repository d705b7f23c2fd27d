/**
 * Uses every published package the way an app does, on a store the caller made with
 * the one driver it installed: a campaign with one lead, one worker cycle that sends
 * its first email into a pickup directory. Also checks what must work without the
 * optional peer dependencies (`@slack/web-api`, the other driver).
 */
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createFileSender, createMaildirInbox } from '@cam/adapter-filesystem'
import { createImapInbox } from '@cam/adapter-imap'
import type { PostgresStore } from '@cam/adapter-postgres'
import { createResendSender, createResendWebhookHandler } from '@cam/adapter-resend'
import { createSlackAlerts } from '@cam/adapter-slack'
import { createSmtpSender } from '@cam/adapter-smtp'
import { createAiClassifier } from '@cam/classifier-ai'
import { CamError, ValidationError, composeClassifiers, createCamClient, createCamWorker, createConsoleLogger, createRuleClassifier, parseRawMessage } from '@cam/core'
import { createManualClock } from '@cam/core/testing'
import { createDashboard } from '@cam/dashboard'

/** Fails the program with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`consumer check failed: ${message}`)
}

/** Runs `body`, which must throw a CAM error whose message contains `expected`; returns it. */
export async function expectCamError(body: () => unknown, expected: string): Promise<CamError> {
  let thrown: unknown
  try {
    await body()
  } catch (error) {
    thrown = error
  }
  check(CamError.isInstance(thrown), `expected a CamError containing "${expected}", got ${String(thrown)}`)
  check(thrown.message.includes(expected), `expected the error to contain "${expected}", got: ${thrown.message}`)
  return thrown
}

/** One campaign, one lead, one worker cycle on `store`: the first email lands in the outbox. */
export async function useEveryPackage(store: PostgresStore): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 'cam-consumer-'))
  try {
    const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({
      name: 'Consumer check',
      sender: { email: 'ana@acme.example', name: 'Ana' },
      steps: [{ subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}!', delayDays: 0 }],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    })
    await client.addLeads(campaign.id, [{ email: 'bob@example.com', firstName: 'Bob' }])
    await client.startCampaign(campaign.id)

    const outbox = join(directory, 'outbox')
    const worker = createCamWorker({
      store,
      clock,
      sender: createFileSender({ directory: outbox, createIfMissing: true, clock }),
      inbox: createMaildirInbox({ directory: join(directory, 'Maildir'), createIfMissing: true }),
      alerts: [createSlackAlerts({ webhookUrl: 'https://hooks.slack.example/services/T0/B0/x' })],
    })
    await worker.runOnce()
    const sent = await readdir(outbox)
    check(sent.length === 1, `expected one email in the outbox, found ${sent.length}`)

    // Constructing the network adapters needs no server; bad options still name the field.
    createImapInbox({ host: '127.0.0.1', port: 1, secure: false, auth: { user: 'user', pass: 'password' } })
    createResendSender({ apiKey: 're_consumer_check' })
    // The SMTP sender connects on its first send; its Sent-folder copy loads imapflow (an optional peer) on first use.
    const smtp = createSmtpSender({ host: '127.0.0.1', port: 1, requireTls: false, auth: { user: 'ana@acme.example', pass: 'password' }, sentFolder: { imap: { host: '127.0.0.1', port: 1 } } })
    check(smtp.idempotent === false && smtp.name === 'smtp:ana@acme.example@127.0.0.1', `the SMTP sender is not idempotent and named after its account, got ${smtp.name}`)
    await smtp.close()
    await expectCamError(() => createSmtpSender({ host: '', maxConnections: 0 }), 'maxConnections')
    // @slack/web-api is an optional peer dependency, not installed here.
    await expectCamError(
      () => createSlackAlerts({ token: 'xoxb-consumer-check', channel: '#sales' }),
      'install @slack/web-api (npm i @slack/web-api)',
    )
    // The Resend webhook endpoint verifies signatures with its dependency: an unsigned POST is
    // refused, a correctly signed event about an email it does not know is acknowledged.
    const key = randomBytes(24)
    const webhooks = createResendWebhookHandler({ webhookSecret: `whsec_${key.toString('base64')}`, client })
    const body = JSON.stringify({ type: 'email.delivered', created_at: new Date().toISOString(), data: { email_id: 're_not_ours', created_at: new Date().toISOString(), from: 'ana@acme.example', to: ['bob@example.com'], subject: 'Hello' } })
    const post = (headers: Record<string, string>) => webhooks(new Request('http://127.0.0.1/webhooks/resend', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }))
    const unsigned = await post({})
    check(unsigned.status === 401, `an unsigned webhook is refused with 401, got ${unsigned.status}`)
    const id = 'msg_consumer_check'
    const timestamp = String(Math.floor(Date.now() / 1000))
    const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')
    const signed = await post({ 'svix-id': id, 'svix-timestamp': timestamp, 'svix-signature': `v1,${signature}` })
    check(signed.status === 200, `a signed webhook is acknowledged with 200, got ${signed.status}`)

    // The AI classifier with its peer `ai` installed: a cap of 0 never calls the model (no provider
    // needed), so the rules' answer stands and the AI's own answer says why it was not asked.
    const ai = createAiClassifier({ model: 'openai/gpt-4o-mini', dailyCallCap: 0, logger: undefined, redact: { phones: undefined } })
    const reply = await parseRawMessage('From: Bob <bob@example.com>\r\nSubject: Re: Hello\r\n\r\nHmm, maybe.\r\n')
    const classification = { lead: null, campaign: null, outboundEmail: null, now: new Date('2026-03-02T10:00:00Z') }
    const composed = await composeClassifiers(createRuleClassifier(), ai).classify(reply, classification)
    check(composed.category === 'unknown' && composed.classifier === 'rules', `the rules' answer stands, got ${JSON.stringify(composed)}`)
    const unasked = await ai.classify(reply, classification)
    check(unasked.reason.includes('daily cap of 0 model calls'), `the AI classifier says it was not asked, got ${unasked.reason}`)
    await expectCamError(() => createAiClassifier({ model: 'openai/gpt-4o-mini', categories: ['bounce' as never] }), 'categories.0')

    // The dashboard: a Web-standard handler over the same client; no anonymous default.
    const dashboard = createDashboard({ client, basePath: '/cam', authorize: (request) => (request.headers.get('authorization') === 'Bearer consumer' ? { actor: 'consumer' } : null) })
    const page = await dashboard(new Request('http://127.0.0.1/cam', { headers: { authorization: 'Bearer consumer' } }))
    check(page.status === 200 && (await page.text()).includes('Consumer check'), `the dashboard lists the campaign, got ${page.status}`)
    check((await dashboard(new Request('http://127.0.0.1/cam'))).status === 401, 'the dashboard answers 401 without credentials')
    await expectCamError(() => createDashboard({ client, basePath: '/cam' }), 'authorize')

    const invalid = await expectCamError(() => createResendSender({ apiKey: '' }), 'apiKey')
    check(ValidationError.isInstance(invalid), 'a bad option is a ValidationError')

    // Optional options accept values that may be undefined (process.env): this compiles
    // under exactOptionalPropertyTypes, as apps that turn it on write it.
    const fromEnvironment = {
      secret: process.env.CAM_CONSUMER_UNSET_SECRET,
      level: process.env.CAM_CONSUMER_UNSET_LEVEL as 'info' | undefined,
    }
    createCamClient({ store, unsubscribeSecret: fromEnvironment.secret, clock: undefined })
    createCamWorker({ store, logger: createConsoleLogger({ level: fromEnvironment.level }), sender: undefined, inbox: undefined, config: undefined })
    createImapInbox({ host: '127.0.0.1', port: undefined, secure: false, auth: { user: 'user', pass: 'password' } })
  } finally {
    await rm(directory, { recursive: true, force: true })
  }
}
