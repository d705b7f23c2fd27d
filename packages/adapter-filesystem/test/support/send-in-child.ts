/**
 * Child process for the crash test: sends one large email with a given idempotency key and
 * is killed (SIGKILL) by the parent at a random moment while doing so.
 *
 * Usage: node --import tsx send-in-child.ts <directory> <idempotencyKey> <bodyBytes>
 */
import { createFileSender } from '../../src/index.js'
import { largeEmail } from './sample-email.js'

const [directory, key, bodyBytes] = process.argv.slice(2)
if (!directory || !key || !bodyBytes) throw new Error('usage: send-in-child.ts <directory> <idempotencyKey> <bodyBytes>')
const sender = createFileSender({ directory })
const email = largeEmail(key, Number(bodyBytes))
process.stdout.write('ready\n')
await sender.send(email, { idempotencyKey: key })
process.stdout.write('sent\n')
