import { randomUUID } from 'node:crypto'
import type { NewAlert } from '../../domain/alert.js'
import { defaultCampaignRules, type NewCampaign } from '../../domain/campaign.js'
import type { NewLead } from '../../domain/lead.js'
import type { NewOutboundEmail, StoreV1 } from '../../ports/store-v1.js'

/** A valid campaign definition for tests. */
export function sampleCampaign(overrides: Partial<NewCampaign> = {}): NewCampaign {
  return {
    name: `Conformance ${randomUUID().slice(0, 8)}`,
    sender: { email: 'ana@sender.example', name: 'Ana' },
    steps: [
      { subject: 'Hello {{ firstName }}', text: 'Hi {{ firstName }}', delayDays: 0 },
      { text: 'Following up', delayDays: 3 },
      { text: 'Last note', delayDays: 4 },
    ],
    schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    dailyCap: 1000,
    rules: defaultCampaignRules,
    noReplyTimeoutDays: 14,
    nurtureCampaignId: null,
    mailboxes: [],
    ...overrides,
  }
}

/** A lead with a unique address. */
export function sampleLead(overrides: Partial<NewLead> = {}): NewLead {
  const email = overrides.email ?? `lead-${randomUUID()}@prospect.example`
  return {
    email,
    emailNormalized: email.toLowerCase(),
    firstName: 'Lee',
    lastName: 'Ad',
    company: 'Prospect Co',
    variables: { role: 'CTO' },
    timezone: null,
    ...overrides,
  }
}

/** An outbound email draft for `stepIndex`. */
export function sampleEmail(stepIndex: number, scheduledAt: Date, overrides: Partial<NewOutboundEmail> = {}): NewOutboundEmail {
  const id = randomUUID()
  return {
    id,
    stepIndex,
    scheduledAt,
    messageId: `<cam.${id}@sender.example>`,
    idempotencyKey: `cam-email-${id}`,
    inReplyTo: null,
    references: [],
    ...overrides,
  }
}

/** A reply alert. */
export function sampleAlert(overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    kind: 'reply',
    title: 'Positive reply from Lee',
    campaignId: null,
    campaignName: null,
    leadId: null,
    leadEmail: null,
    leadName: null,
    category: 'positive',
    subject: 'Re: Hello',
    excerpt: 'Sounds great, call me <!channel>',
    reason: "matched 'sounds great'",
    messageId: null,
    ...overrides,
  }
}

/** Creates an active campaign with `count` leads whose first email is due at `now`. */
export async function seedCampaign(
  store: StoreV1,
  now: Date,
  options: { leads?: number; campaign?: Partial<NewCampaign>; activate?: boolean; scheduledAt?: Date } = {},
) {
  const campaign = await store.createCampaign(sampleCampaign(options.campaign), now)
  if (options.activate ?? true) {
    await store.transitionCampaign({ campaignId: campaign.id, from: ['draft'], to: 'active', reason: null, now })
  }
  const drafts = Array.from({ length: options.leads ?? 1 }, () => ({
    lead: sampleLead(),
    firstEmail: sampleEmail(0, options.scheduledAt ?? now),
  }))
  const result = await store.addLeads({ campaignId: campaign.id, leads: drafts, now })
  return { campaign: (await store.getCampaign(campaign.id))!, leads: result.added, drafts }
}

/** A cap entry letting `campaignId` send plenty today. */
export function capFor(campaignId: string, dailyCap = 1000, day = '2030-01-01') {
  return { campaignId, day, dailyCap }
}

/** A raw RFC 822 message with a unique Message-ID. */
export function sampleRawMessage(options: { messageId?: string; from?: string; inReplyTo?: string; body?: string } = {}): Uint8Array {
  const messageId = options.messageId ?? `<${randomUUID()}@prospect.example>`
  const lines = [
    `From: ${options.from ?? 'Lee <lee@prospect.example>'}`,
    'To: ana@sender.example',
    'Subject: Re: Hello',
    `Message-ID: ${messageId}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    'Date: Mon, 05 Jan 2026 10:00:00 +0000',
    'Content-Type: text/plain; charset=utf-8',
    '',
    options.body ?? 'Sounds great — let us talk. ünïcödé ✓',
    '',
  ]
  return new TextEncoder().encode(lines.join('\r\n'))
}
