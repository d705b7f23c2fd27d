import { parseRawMessage } from '@cam/core'
import type { ReceivedEmail } from '@cam/core/testing'
import type { RecordedMessage } from './smtp-test-server.js'

/** What the sender conformance suite compares: the envelope's recipients and the message as a mail client reads it. */
export async function toReceivedEmail(message: RecordedMessage): Promise<ReceivedEmail> {
  const parsed = await parseRawMessage(message.raw)
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(parsed.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value
  return {
    from: parsed.from?.address ?? '',
    // Who the server will deliver to: the RCPT TO addresses, not what the To header says.
    to: message.rcptTo.map((rcpt) => rcpt.address),
    subject: parsed.subject,
    text: parsed.text === '' ? undefined : parsed.text,
    html: parsed.html ?? undefined,
    headers,
  }
}
