/**
 * Child process: sends one email through a pooled SMTP sender and never calls `close()`. The
 * process must end by itself: an idle pooled connection may not keep it alive.
 *
 * Usage: node --import tsx send-and-exit.ts <port> [<CA certificate PEM file>]
 * With a CA file, the connection is upgraded with STARTTLS (checked against that CA).
 */
import { readFileSync } from 'node:fs'
import { createSmtpSender } from '../../src/index.js'
import { sampleEmail } from './sample-email.js'

const port = Number(process.argv[2])
const caFile = process.argv[3]
const sender = createSmtpSender({
  host: '127.0.0.1',
  port,
  ...(caFile === undefined ? { requireTls: false } : { tls: { ca: readFileSync(caFile, 'utf8') } }),
  idleTimeoutMs: 600_000,
})
const result = await sender.send(sampleEmail(), { idempotencyKey: 'child' })
process.stdout.write(`sent ${result.providerId ?? ''}\n`)
