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

/** An RFC 3464 delivery status notification for `recipient`. */
export function bounceMessage(options: { recipient: string; originalMessageId: string; status?: string; diagnostic?: string; date?: Date }): string {
  const boundary = `dsn-${randomUUID()}`
  const status = options.status ?? '5.1.1'
  const diagnostic = options.diagnostic ?? `smtp; 550 ${status} <${options.recipient}>: Recipient address rejected: User unknown in virtual mailbox table`
  const date = (options.date ?? new Date()).toUTCString().replace('GMT', '+0000')
  return [
    'From: MAILER-DAEMON@mx.prospect.example (Mail Delivery System)',
    'To: ana@sender.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Date: ${date}`,
    `Message-ID: <${randomUUID()}@mx.prospect.example>`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.prospect.example.',
    "I'm sorry to have to inform you that your message could not be delivered to one or more recipients.",
    '',
    `<${options.recipient}>: host mx.prospect.example said: 550 ${status} User unknown`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.prospect.example',
    `Arrival-Date: ${date}`,
    '',
    `Final-Recipient: rfc822; ${options.recipient}`,
    `Original-Recipient: rfc822; ${options.recipient}`,
    'Action: failed',
    `Status: ${status}`,
    'Remote-MTA: dns; mx.prospect.example',
    `Diagnostic-Code: ${diagnostic}`,
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    'From: Ana <ana@sender.example>',
    `To: ${options.recipient}`,
    'Subject: Quick question',
    `Message-ID: ${options.originalMessageId}`,
    '',
    `--${boundary}--`,
    '',
  ].join('\r\n')
}
