/**
 * Replies as they arrive: raw RFC 5322 messages (written here from the RFC and common
 * client conventions), parsed with `parseRawMessage` from `@cam/core` like the worker does.
 */
import { parseRawMessage, type ClassificationContext, type ParsedMessage } from '@cam/core'

/** Marker words of the quoted pitch, the headers and the sender: none of them may reach the model. */
export const secrets = {
  pitch: 'PITCHMARKER-7Q',
  subject: 'SUBJECTMARKER-3K',
  header: 'HEADERMARKER-5Z',
  fromAddress: 'bob.prospect@prospect.example',
  toAddress: 'ana@acme.example',
  messageId: 'reply-1@prospect.example',
} as const

/** When the reply was received. */
export const receivedAt = new Date('2026-03-02T10:00:00Z')

/** A reply to Ana's pitch whose new text is `replyText`; the pitch is quoted below it, Outlook/Gmail style. */
export function replyMessage(replyText: string, options: { date?: Date; messageId?: string } = {}): Promise<ParsedMessage> {
  const date = options.date ?? receivedAt
  const raw = [
    `From: Bob Prospect <${secrets.fromAddress}>`,
    `To: Ana Seller <${secrets.toAddress}>`,
    `Subject: Re: Quick question ${secrets.subject}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <${options.messageId ?? secrets.messageId}>`,
    'In-Reply-To: <pitch-1@acme.example>',
    'References: <pitch-1@acme.example>',
    `X-Tracking-Note: ${secrets.header}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    replyText,
    '',
    `On Fri, 27 Feb 2026 at 09:00, Ana Seller <${secrets.toAddress}> wrote:`,
    '> Hi Bob,',
    `> ACME widgets cut your packaging costs by 40%. ${secrets.pitch}`,
    '> Would you be open to a 15-minute call next week?',
    '> Ana',
    '',
  ].join('\r\n')
  return parseRawMessage(raw)
}

/** The classification context the worker would pass (no lead or campaign matched: the classifier needs none). */
export function contextAt(now: Date = receivedAt): ClassificationContext {
  return { lead: null, campaign: null, outboundEmail: null, now }
}
