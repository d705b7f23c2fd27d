import assert from 'node:assert/strict'
import { AdapterError } from '@cam/core'
import { afterEach, beforeEach, describe, it } from 'vitest'
import { createSigningSecret, createMessageId, svixHeaders } from './svix-webhooks.js'
import { startWebhookFixture, type WebhookFixture } from './webhook-fixture.js'

const day = 24 * 60 * 60 * 1000
const lee = 'lee@prospect.example'
const kim = 'kim@prospect.example'

let fixture: WebhookFixture
beforeEach(async () => {
  fixture = await startWebhookFixture()
})
afterEach(async () => {
  await fixture.close()
})

const leadState = async (address: string) => (await fixture.snapshot()).leads.find((lead) => lead.email === address)?.state
const permanentBounce = {
  bounce: { type: 'Permanent', subType: 'General', message: 'smtp; 550 5.1.1 <lee@prospect.example>: Recipient address rejected: User unknown in virtual mailbox table' },
}

describe('Resend webhooks → CAM delivery events (signed by svix, over HTTP on 127.0.0.1)', () => {
  it('email.bounced (Permanent): 200 applied; the lead is bounced, suppressed, its follow-up never sent, the bounce counted', async () => {
    const email = fixture.emailTo(lee)
    const delivery = await fixture.resend.emitEmailEvent(email.id, 'email.bounced', permanentBounce)
    assert.equal(delivery.status, 200)
    assert.deepEqual(delivery.json, { status: 'applied' })

    const state = await fixture.snapshot()
    assert.equal(state.leads.find((lead) => lead.email === lee)?.state, 'bounced')
    assert.deepEqual(state.suppressions, [{ email: lee, reason: 'hard_bounce' }])
    assert.equal(state.counts['bounced'], 1)
    assert.equal(state.counts['hardBounced'], 1)
    assert.equal(state.pendingEmails, 2, "Lee's planned follow-up was cancelled")
    const [event] = await fixture.client.listDeliveryEvents({ campaignId: fixture.campaignId })
    assert.equal(event?.id, delivery.msgId, 'the event id is the svix-id')
    assert.equal(event?.provider, 'resend')
    assert.equal(event?.recipient, lee)
    assert.deepEqual(event?.bounce, {
      type: 'hard',
      reason: 'Permanent/General: smtp; 550 5.1.1 <lee@prospect.example>: Recipient address rejected: User unknown in virtual mailbox table',
      diagnosticCode: '550 5.1.1 <lee@prospect.example>: Recipient address rejected: User unknown in virtual mailbox table',
    })

    // Two days later step 2 goes out — to Kim and Sam, never to Lee.
    fixture.clock.advance(2 * day + 60_000)
    await fixture.runWorker()
    const toLee = fixture.resend.emails.filter((sent) => sent.recipients.includes(lee))
    const toKim = fixture.resend.emails.filter((sent) => sent.recipients.includes(kim))
    assert.equal(toKim.length, 2, 'the follow-up went out to a lead that did not bounce')
    assert.equal(toLee.length, 1, 'nothing more was sent to the bounced address')
  })

  it('email.bounced (Transient MailboxFull): a soft bounce, counted, nothing suppressed', async () => {
    const before = await fixture.snapshot()
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.bounced', {
      bounce: { type: 'Transient', subType: 'MailboxFull', message: '452 4.2.2 The email account that you tried to reach is over quota.' },
    })
    assert.equal(delivery.status, 200)
    const after = await fixture.snapshot()
    assert.deepEqual(after.leads, before.leads)
    assert.deepEqual(after.suppressions, [])
    assert.equal(after.counts['softBounced'], 1)
    assert.equal(after.counts['hardBounced'], 0)
  })

  it('email.complained: the lead unsubscribed and suppressed, the complaint counted', async () => {
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.complained')
    assert.equal(delivery.status, 200)
    assert.deepEqual(delivery.json, { status: 'applied' })
    const state = await fixture.snapshot()
    assert.equal(state.leads.find((lead) => lead.email === lee)?.state, 'unsubscribed')
    assert.deepEqual(state.suppressions, [{ email: lee, reason: 'complaint' }])
    assert.equal(state.counts['complained'], 1)
  })

  it('email.delivered: only the delivered counter moves', async () => {
    const before = await fixture.snapshot()
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.delivered')
    assert.equal(delivery.status, 200)
    const after = await fixture.snapshot()
    assert.equal(after.counts['delivered'], 1)
    assert.deepEqual({ ...after.counts, delivered: 0 }, before.counts)
    assert.deepEqual(after.leads, before.leads)
    assert.deepEqual(after.suppressions, [])
    assert.equal(after.events.length, 1)
  })

  it('email.delivery_delayed: only the delayed counter moves (not delivered, not bounced)', async () => {
    const before = await fixture.snapshot()
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.delivery_delayed')
    assert.equal(delivery.status, 200)
    const after = await fixture.snapshot()
    assert.deepEqual(after.counts, { ...before.counts, delayed: 1 })
    assert.deepEqual(after.leads, before.leads)
    assert.deepEqual(after.suppressions, [])
    assert.equal(after.pendingEmails, before.pendingEmails, 'the follow-up is still planned')
  })

  it('email.suppressed: the lead bounced and suppressed, counted as provider-suppressed, with Resend’s reason', async () => {
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.suppressed', {
      suppressed: { type: 'OnAccountSuppressionList', message: 'Resend has suppressed sending to this address because it has previously hard bounced.' },
    })
    assert.equal(delivery.status, 200)
    const state = await fixture.snapshot()
    assert.equal(state.leads.find((lead) => lead.email === lee)?.state, 'bounced')
    assert.deepEqual(state.suppressions, [{ email: lee, reason: 'hard_bounce' }])
    assert.equal(state.counts['providerSuppressed'], 1)
    const [event] = await fixture.client.listDeliveryEvents({ campaignId: fixture.campaignId })
    assert.equal(event?.type, 'suppressed')
    assert.equal(event?.reason, 'OnAccountSuppressionList: Resend has suppressed sending to this address because it has previously hard bounced.')
  })

  it('email.failed: the failed counter moves with failed.reason; the lead and suppressions stay', async () => {
    const before = await fixture.snapshot()
    const delivery = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.failed', { failed: { reason: 'reached_daily_quota' } })
    assert.equal(delivery.status, 200)
    const after = await fixture.snapshot()
    assert.deepEqual(after.counts, { ...before.counts, failed: before.counts['failed']! + 1 })
    assert.deepEqual(after.leads, before.leads)
    assert.deepEqual(after.suppressions, [])
    const [event] = await fixture.client.listDeliveryEvents({ campaignId: fixture.campaignId })
    assert.equal(event?.reason, 'reached_daily_quota')
  })
})

describe('Refused signatures: 401 with a generic body, nothing changes, nothing secret logged', () => {
  const expectRefused = async (delivery: { status: number; json: unknown }, before: unknown) => {
    assert.equal(delivery.status, 401)
    assert.deepEqual(delivery.json, { error: 'unauthorized' })
    assert.deepEqual(await fixture.snapshot(), before)
  }

  it('a forged body (signed payload swapped for another)', async () => {
    const before = await fixture.snapshot()
    const signed = fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.delivered')
    const forged = JSON.stringify(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained'))
    const delivery = await fixture.resend.sendWebhook(signed, { sentBody: forged })
    await expectRefused(delivery, before)
    const warning = fixture.logger.entries.find((line) => line.level === 'warn')
    assert.ok(warning, 'the refusal is logged at warn')
    const logged = JSON.stringify(fixture.logger.entries)
    assert.ok(!logged.includes(fixture.secret.slice(6)), 'the secret is never logged')
    assert.ok(!logged.includes('v1,'), 'no signature is logged')
  })

  it('a made-up signature', async () => {
    const before = await fixture.snapshot()
    const delivery = await fixture.resend.sendWebhook(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained'), {
      signature: `v1,${Buffer.alloc(32, 7).toString('base64')}`,
    })
    await expectRefused(delivery, before)
  })

  it('signed with another secret', async () => {
    const before = await fixture.snapshot()
    const delivery = await fixture.resend.sendWebhook(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained'), { secret: createSigningSecret() })
    await expectRefused(delivery, before)
  })

  it('a stale timestamp (10 minutes old, tolerance 5) and one from the future (10 minutes ahead)', async () => {
    const before = await fixture.snapshot()
    const payload = fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained')
    await expectRefused(await fixture.resend.sendWebhook(payload, { timestamp: new Date(Date.now() - 10 * 60_000) }), before)
    await expectRefused(await fixture.resend.sendWebhook(payload, { timestamp: new Date(Date.now() + 10 * 60_000) }), before)
    const reasons = fixture.logger.entries.filter((line) => line.level === 'warn').map((line) => String(line.fields?.['reason']))
    assert.match(reasons[0] ?? '', /old/)
    assert.match(reasons[1] ?? '', /future/)
  })

  it('missing svix headers', async () => {
    const before = await fixture.snapshot()
    const payload = fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained')
    for (const header of ['svix-id', 'svix-timestamp', 'svix-signature'] as const) {
      await expectRefused(await fixture.resend.sendWebhook(payload, { omitHeaders: [header] }), before)
    }
  })

  it('accepts the new signature while a rotated secret signs too (several v1 signatures)', async () => {
    const delivery = await fixture.resend.sendWebhook(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.delivered'), { extraSecret: createSigningSecret() })
    assert.equal(delivery.status, 200)
    assert.equal((await fixture.snapshot()).counts['delivered'], 1)
  })
})

describe('Retries, duplicates and order', () => {
  it('a replayed event (same svix-id twice): 200 both times, applied once', async () => {
    const first = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.bounced', permanentBounce)
    const again = await fixture.resend.redeliver(first.msgId)
    assert.equal(first.status, 200)
    assert.equal(again.status, 200)
    assert.deepEqual(first.json, { status: 'applied' })
    assert.deepEqual(again.json, { status: 'duplicate' })
    const state = await fixture.snapshot()
    assert.equal(state.counts['bounced'], 1)
    assert.equal(state.events.length, 1)
  })

  it('the same finding twice under two event ids: both recorded, counted once', async () => {
    const id = fixture.emailTo(lee).id
    const first = await fixture.resend.emitEmailEvent(id, 'email.delivered')
    const second = await fixture.resend.emitEmailEvent(id, 'email.delivered')
    assert.deepEqual([first.status, second.status], [200, 200])
    const state = await fixture.snapshot()
    assert.equal(state.counts['delivered'], 1)
    assert.equal(state.events.length, 2)
  })

  it('out of order: email.delivered after email.bounced is recorded but not counted as delivered', async () => {
    const id = fixture.emailTo(lee).id
    assert.equal((await fixture.resend.emitEmailEvent(id, 'email.bounced', permanentBounce)).status, 200)
    assert.equal((await fixture.resend.emitEmailEvent(id, 'email.delivered')).status, 200)
    const state = await fixture.snapshot()
    assert.equal(state.counts['delivered'], 0)
    assert.equal(state.counts['bounced'], 1)
    assert.equal(await leadState(lee), 'bounced')
  })

  it('a store outage: 503 (Resend retries), then the retry with the same svix-id → 200, applied once', async () => {
    const before = await fixture.snapshot()
    fixture.store.failNext(
      'recordDeliveryEvent',
      1,
      new AdapterError('STORE_FAILED', 'store', 'recordDeliveryEvent', new Error('Connection terminated unexpectedly'), { transient: true }),
    )
    const failed = await fixture.resend.emitEmailEvent(fixture.emailTo(lee).id, 'email.bounced', permanentBounce)
    assert.equal(failed.status, 503)
    assert.deepEqual(failed.json, { error: 'temporarily unavailable' })
    assert.deepEqual(await fixture.snapshot(), before, 'nothing was recorded')
    assert.ok(!failed.body.includes('Connection terminated'), 'no internal detail in the answer')

    const retried = await fixture.resend.redeliver(failed.msgId)
    assert.equal(retried.status, 200)
    assert.deepEqual(retried.json, { status: 'applied' })
    const state = await fixture.snapshot()
    assert.equal(state.counts['bounced'], 1)
    assert.deepEqual(state.events.map((event) => event.id), [failed.msgId])
  })
})

describe('Bad payloads and events that are not ours', () => {
  it('truncated JSON (correctly signed): 400, nothing changes', async () => {
    const before = await fixture.snapshot()
    const full = JSON.stringify(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained'))
    const delivery = await fixture.resend.sendWebhook(full.slice(0, full.length - 7))
    assert.equal(delivery.status, 400)
    assert.deepEqual(delivery.json, { error: 'invalid JSON', issues: [{ path: 'body', message: 'expected a JSON object' }] })
    assert.deepEqual(await fixture.snapshot(), before)
  })

  it('a payload without data.email_id, or a bounce without its details: 400 naming the field', async () => {
    const before = await fixture.snapshot()
    const noId = await fixture.resend.sendWebhook(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.complained', { email_id: undefined }))
    assert.equal(noId.status, 400)
    assert.deepEqual((noId.json as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path), ['data.email_id'])
    const noBounce = await fixture.resend.sendWebhook(fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.bounced'))
    assert.equal(noBounce.status, 400)
    assert.deepEqual((noBounce.json as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path), ['data.bounce'])
    const badTime = await fixture.resend.sendWebhook({ ...fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.delivered'), created_at: 'yesterday' })
    assert.equal(badTime.status, 400)
    assert.deepEqual((badTime.json as { issues: Array<{ path: string }> }).issues.map((issue) => issue.path), ['created_at'])
    assert.deepEqual(await fixture.snapshot(), before)
  })

  it('an event about an email CAM did not send: 200 unknown_email, nothing changes', async () => {
    const before = await fixture.snapshot()
    const payload = fixture.resend.emailEvent(fixture.emailTo(lee).id, 'email.bounced', { ...permanentBounce, email_id: '4ef9a417-02e9-4d39-ad75-9611e0fcc33c', message_id: '<other@elsewhere.example>' })
    const delivery = await fixture.resend.sendWebhook(payload)
    assert.equal(delivery.status, 200)
    assert.deepEqual(delivery.json, { status: 'unknown_email' })
    assert.deepEqual(await fixture.snapshot(), before)
  })

  it('an event whose email id CAM does not know is matched by its Message-ID (data.message_id)', async () => {
    const email = fixture.emailTo(lee)
    const delivery = await fixture.resend.emitEmailEvent(email.id, 'email.complained', { email_id: 'not-stored-by-cam' })
    assert.deepEqual([delivery.status, delivery.json], [200, { status: 'applied' }])
    assert.equal(await leadState(lee), 'unsubscribed')
  })

  it('event types that are not delivery findings (email.sent, email.opened, email.clicked, contact.created): 200 ignored, nothing changes', async () => {
    const before = await fixture.snapshot()
    const id = fixture.emailTo(lee).id
    for (const type of ['email.sent', 'email.opened', 'email.clicked']) {
      const delivery = await fixture.resend.emitEmailEvent(id, type)
      assert.equal(delivery.status, 200, type)
      assert.deepEqual(delivery.json, { status: 'ignored' })
    }
    const contact = await fixture.resend.sendWebhook({ type: 'contact.created', created_at: new Date().toISOString(), data: { id: 'c1', email: lee, unsubscribed: false } })
    assert.deepEqual([contact.status, contact.json], [200, { status: 'ignored' }])
    assert.deepEqual(await fixture.snapshot(), before)
    assert.ok(fixture.logger.entries.some((line) => line.level === 'debug' && line.fields?.['type'] === 'contact.created'), 'ignored events are logged at debug')
  })

  it('not a POST: 405 with Allow: POST', async () => {
    const response = await fetch(fixture.url, { method: 'GET', headers: svixHeaders(fixture.secret, createMessageId(), '') })
    assert.equal(response.status, 405)
    assert.equal(response.headers.get('allow'), 'POST')
  })
})
