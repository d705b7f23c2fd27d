import { randomUUID } from 'node:crypto'

/** Builds realistic raw emails for worker tests. */
export function replyMessage(options: {
  from: string
  to?: string
  subject: string
  inReplyTo?: string | null
  references?: string[]
  body: string
  date?: Date
  headers?: Record<string, string>
}): string {
  const date = (options.date ?? new Date()).toUTCString().replace('GMT', '+0000')
  const lines = [
    `From: ${options.from}`,
    `To: ${options.to ?? 'Ana <ana@sender.example>'}`,
    `Subject: ${options.subject}`,
    `Date: ${date}`,
    `Message-ID: <${randomUUID()}@prospect.example>`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    ...(options.references?.length ? [`References: ${options.references.join(' ')}`] : options.inReplyTo ? [`References: ${options.inReplyTo}`] : []),
    ...Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    options.body,
    '',
  ]
  return lines.join('\r\n')
}

/** An RFC 3464 delivery status notification for `recipient` (the public test builder). */
export { sampleBounceReport as bounceMessage } from '../../src/testing/index.js'
