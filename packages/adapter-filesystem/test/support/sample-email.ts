import type { OutgoingEmail } from '@cam/core'

/** A complete outgoing email; `overrides` replace fields. */
export function sampleOutgoingEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: { email: 'ana@acme.example', name: 'Ana from Acme' },
    to: { email: 'lee@prospect.example', name: 'Lee Prospect' },
    subject: 'Quick question',
    text: 'Hi Lee,\n\nquick question.\n',
    messageId: '<cam-1@acme.example>',
    references: [],
    headers: {},
    tags: { campaignId: 'campaign-1', leadId: 'lead-1', emailId: 'email-1', stepIndex: 0 },
    ...overrides,
  }
}

/**
 * An email whose text body is about `bodyBytes` long and ends with a marker line, so a reader
 * can tell a complete file from a cut one.
 */
export function largeEmail(key: string, bodyBytes: number): OutgoingEmail {
  const line = 'All work and no play makes Jack a dull boy. 0123456789\n'
  return sampleOutgoingEmail({
    subject: `Large ${key}`,
    messageId: `<${key.replace(/[^A-Za-z0-9-]/g, '-')}@acme.example>`,
    text: `${line.repeat(Math.ceil(bodyBytes / line.length))}END OF ${key}\n`,
  })
}
