import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createFileSender } from '../src/index.js'
import { allFiles, emlFiles } from './support/outbox.js'
import { sampleOutgoingEmail } from './support/sample-email.js'
import { removeTemporaryDirectories, temporaryDirectory } from './support/temporary-directory.js'
import { sendError } from './support/send-error.js'

// No control character may reach a header value of a written .eml, whoever calls the sender.
// The composer MIME-encodes what is not printable ASCII, so the check decodes every header
// (RFC 2047 encoded words) as a mail client would, on the raw file.

afterAll(removeTemporaryDirectories)

// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const anyControl = /[\u0000-\u001f\u007f-\u009f]/

/** The header block of a raw message: unfolded fields, with RFC 2047 encoded words decoded. */
function decodedHeaders(raw: string): Array<{ name: string; value: string }> {
  const block = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ')
  return block.split('\r\n').map((line) => {
    const colon = line.indexOf(':')
    const value = line
      .slice(colon + 1)
      .trim()
      .replace(/(\?=)\s+(=\?)/g, '$1$2')
      .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_match, _charset: string, encoding: string, text: string) =>
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64').toString('utf8')
          : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))), 'latin1').toString('utf8'),
      )
    return { name: line.slice(0, colon), value }
  })
}

describe('file sender: control characters', () => {
  it('the subject and display names are written on one line without control characters, once decoded', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    await createFileSender({ directory }).send(
      sampleOutgoingEmail({
        subject: 'Hi\u0000 \u001b[31mthere\u009b2J\u0085now\ttab\u2028line\r\nBcc: x@evil.example\ud800',
        from: { email: 'ana@acme.example', name: 'Ana\u0000\u001b[2J\u0085Silva' },
        to: { email: 'lee@prospect.example', name: 'Lee\u0007\u0008 Prospect\u009f' },
      }),
      { idempotencyKey: 'k' },
    )
    const [fileName] = await emlFiles(directory)
    const headers = decodedHeaders(await readFile(join(directory, fileName!), 'utf8'))
    const value = (name: string) => headers.find((header) => header.name.toLowerCase() === name)?.value
    expect(value('subject')).toBe('Hi [31mthere2J now tab line Bcc: x@evil.example\ufffd')
    expect(value('from')).toBe('Ana 2J Silva <ana@acme.example>')
    expect(value('to')).toBe('Lee Prospect <lee@prospect.example>')
    for (const header of headers) expect(header.value, header.name).not.toMatch(anyControl)
  })

  it('refuses custom header values, Message-IDs and addresses holding any control character, naming the field', async () => {
    const directory = await temporaryDirectory('cam-outbox-')
    const sender = createFileSender({ directory })
    const cases: Array<[Parameters<typeof sampleOutgoingEmail>[0], string]> = [
      [{ headers: { 'List-Unsubscribe': '<https://a.example/u>\u001b[2J' } }, 'headers.List-Unsubscribe'],
      [{ headers: { 'X-Campaign': 'a\tb' } }, 'headers.X-Campaign'],
      [{ headers: { 'X-Campaign': 'a\u0085b' } }, 'headers.X-Campaign'],
      [{ messageId: '<a\u0000b@acme.example>' }, 'messageId'],
      [{ inReplyTo: '<a\u001bb@acme.example>' }, 'inReplyTo'],
      [{ references: ['<ok@acme.example>', '<a\u007fb@acme.example>'] }, 'references.1'],
      [{ to: { email: 'lee\u0000@prospect.example' } }, 'to'],
      [{ from: { email: 'ana\u0008@acme.example' } }, 'from'],
      [{ replyTo: 'reply\u001b@acme.example' }, 'replyTo'],
    ]
    for (const [overrides, field] of cases) {
      const error = await sendError(sender.send(sampleOutgoingEmail(overrides), { idempotencyKey: `k-${field}-${Math.random()}` }))
      expect(error.kind, field).toBe('permanent')
      expect(error.field, field).toBe(field)
    }
    expect(await allFiles(directory)).toEqual([])
  })
})
