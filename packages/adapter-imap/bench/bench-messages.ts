/**
 * Deterministic mix of realistic inbound mail for the benchmark: short plain-text replies,
 * HTML replies (multipart/alternative) and replies with a base64 attachment.
 */
import { createHash } from 'node:crypto'

/** Pseudo-random bytes from a seed (deterministic: every run ingests the same mailbox). */
function pseudoRandom(seed: number, length: number): Buffer {
  const chunks: Buffer[] = []
  let counter = 0
  let total = 0
  while (total < length) {
    const chunk = createHash('sha256').update(`${seed}:${counter++}`).digest()
    chunks.push(chunk)
    total += chunk.length
  }
  return Buffer.concat(chunks).subarray(0, length)
}

const wrap = (text: string, width = 76) => text.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\r\n') ?? ''

const quoted = (lines: number) =>
  Array.from({ length: lines }, (_, index) => `> Hi there, line ${index + 1} of the original outreach email about our product.`).join('\r\n')

function headers(index: number, contentType: string): string {
  return [
    `From: Lead ${index} <lead${index}@prospect-${index % 97}.example>`,
    'To: sales@cam-bench.example',
    `Subject: Re: Quick question about your pipeline #${index}`,
    'Date: Tue, 14 Jan 2025 10:00:00 +0000',
    `Message-ID: <bench-${index}@prospect-${index % 97}.example>`,
    `In-Reply-To: <cam-${index}@cam-bench.example>`,
    `References: <cam-${index}@cam-bench.example>`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
  ].join('\r\n')
}

/** Message `index` of the benchmark mailbox (60 % plain ~1.5–6 KB, 30 % HTML ~8–40 KB, 10 % attachment ~100–400 KB). */
export function benchMessage(index: number): string {
  const kind = index % 10
  if (kind < 6) {
    const body = `Thanks for reaching out — yes, let's talk next week.\r\n\r\nOn Mon, someone wrote:\r\n${quoted(15 + (index % 60))}\r\n`
    return `${headers(index, 'text/plain; charset=utf-8')}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${body}`
  }
  if (kind < 9) {
    const paragraphs = 40 + (index % 200)
    const html = `<html><body><p>Sounds interesting, send me the deck.</p>${'<p style="color:#333">Quoted paragraph of the original email with some <b>markup</b>.</p>\r\n'.repeat(paragraphs)}</body></html>`
    const text = `Sounds interesting, send me the deck.\r\n${quoted(paragraphs / 2)}`
    const boundary = `alt-${index}`
    return (
      `${headers(index, `multipart/alternative; boundary="${boundary}"`)}\r\n\r\n` +
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n` +
      `--${boundary}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n` +
      `--${boundary}--\r\n`
    )
  }
  const attachment = wrap(pseudoRandom(index, 75_000 + (index % 4) * 75_000).toString('base64'))
  const boundary = `mixed-${index}`
  return (
    `${headers(index, `multipart/mixed; boundary="${boundary}"`)}\r\n\r\n` +
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlease find our requirements attached.\r\n` +
    `--${boundary}\r\nContent-Type: application/pdf; name="requirements.pdf"\r\nContent-Disposition: attachment; filename="requirements.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n` +
    `--${boundary}--\r\n`
  )
}
