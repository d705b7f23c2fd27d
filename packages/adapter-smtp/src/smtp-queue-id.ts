/**
 * Queue ids as common servers put them in the `250` reply to the message:
 *
 * - Postfix: `250 2.0.0 Ok: queued as 4Vx1Yz2AbcD`
 * - Exim: `250 OK id=1tXyZa-00AbCd-Ef`
 * - Sendmail: `250 2.0.0 4AB1cD2e012345 Message accepted for delivery`
 * - Gmail: `250 2.0.0 OK  1717171717 a640c23a62f3a-a6c8e1b2c3dsi123456766b.123 - gsmtp`
 * - Microsoft 365: `250 2.0.0 OK <…@….prod.outlook.com> [Hostname=…]` (the Message-ID it gave the email)
 * - Amazon SES: `250 Ok 0100018b5c3c0a4f-…-000000`
 */
const patterns: readonly RegExp[] = [
  /\bqueued as ([A-Za-z0-9._-]{4,100})\b/i,
  /\bid=([A-Za-z0-9._-]{4,100})\b/i,
  /^250[ -](?:2\.0\.0 )?([A-Za-z0-9]{8,40}) Message accepted for delivery/i,
  /^250[ -]2\.0\.0 OK\s+\d+\s+(\S{4,100}) - gsmtp/i,
  /^250[ -]2\.0\.0 OK (<[^<>\s]{1,200}\.prod\.outlook\.com>)/i,
  /^250[ -]Ok ([0-9a-f]{8,}(?:-[0-9a-f]+)+)\s*$/i,
]

/**
 * The server's queue id from its final `250` reply, when the reply has a form known to carry
 * one; otherwise `undefined`. Only printable characters without spaces are returned.
 */
export function queueIdFromReply(reply: string | undefined): string | undefined {
  if (typeof reply !== 'string') return undefined
  const line = reply.trim()
  for (const pattern of patterns) {
    const id = pattern.exec(line)?.[1]
    if (id !== undefined && /^[\x21-\x7e]+$/.test(id)) return id
  }
  return undefined
}
