import { randomUUID } from 'node:crypto'
import type { OutgoingEmail } from '@cam/core'

/** A complete outgoing email with fresh ids; `overrides` replace fields. */
export function sampleEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  const id = randomUUID()
  return {
    from: { email: 'ana@acme.example', name: 'Ana from Acme' },
    to: { email: 'lee@prospect.example', name: 'Lee Prospect' },
    replyTo: 'replies@acme.example',
    subject: 'Quick question',
    text: 'Hi Lee,\n\nquick question.\n',
    html: '<p>Hi Lee,</p><p>quick question.</p>',
    messageId: `<cam-${id}@acme.example>`,
    references: [],
    headers: {},
    tags: { campaignId: 'campaign-1', leadId: 'lead-1', emailId: `email-${id}`, stepIndex: 0 },
    ...overrides,
  }
}
