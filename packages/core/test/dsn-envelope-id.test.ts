import { describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker } from '../src/index.js'
import { createManualClock, createMemoryInbox, createMemorySender, createMemoryStore } from '../src/testing/index.js'

const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }

/** An RFC 3464 report that returns no headers of the message, only the envelope id it was sent with (RFC 3461 ENVID). */
function envelopeOnlyDsn(envelopeId: string, recipient: string): string {
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.relay.example>',
    'To: ana@acme.example',
    'Subject: Undelivered Mail Returned to Sender',
    'Date: Mon, 04 Mar 2030 10:00:00 +0000',
    'Message-ID: <dsn-1@mx.relay.example>',
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'Your message could not be delivered.',
    '',
    '--b1',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.relay.example',
    `Original-Envelope-Id: ${envelopeId}`,
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
    '',
    '--b1--',
    '',
  ].join('\r\n')
}

describe('a bounce report matched by the envelope id the email was sent with', () => {
  it('bounces exactly that email when the report returns none of its headers', async () => {
    const clock = createManualClock(new Date('2030-03-04T09:00:00Z'))
    const store = createMemoryStore({ clock })
    const inbox = createMemoryInbox({ name: 'ana' })
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({ name: 'Envid', sender: { email: 'ana@acme.example' }, steps: [{ subject: 'Hi', text: 'Hi', delayDays: 0 }], schedule: anytime, rules: [] })
    await client.addLeads(campaign.id, [{ email: 'lee@prospect.example' }, { email: 'kim@prospect.example' }])
    await client.startCampaign(campaign.id)
    const worker = createCamWorker({ store, inbox, sender: createMemorySender({ idempotent: false }), clock, config: { workerId: 'w', stopOnSignals: false } })
    await worker.runOnce()
    const kim = (await client.listLeads({ campaignId: campaign.id, email: 'kim@prospect.example' }))[0]!
    const email = (await client.listLeadEmails(kim.id))[0]!
    expect(email.status).toBe('sent')
    // The forwarding relay reports the final recipient under another address: only the envelope id ties it to Kim's email.
    inbox.deliver(envelopeOnlyDsn(email.id, 'kim.k@forwarded.example'))
    await worker.runOnce()
    expect((await client.getLead(kim.id))!.state).toBe('bounced')
    const [message] = await store.listInboundMessages({})
    expect(message).toMatchObject({ leadId: kim.id, outboundEmailId: email.id })
    expect((await client.listLeads({ campaignId: campaign.id, email: 'lee@prospect.example' }))[0]!.state).toBe('completed')
  })
})
