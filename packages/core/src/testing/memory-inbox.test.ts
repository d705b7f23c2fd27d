import { describe, expect, it } from 'vitest'
import { describeInboxConformance } from './conformance/inbox-conformance.js'
import { createMemoryInbox } from './memory-inbox.js'

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of iterable) items.push(item)
  return items
}

describeInboxConformance(
  { describe, it },
  {
    name: 'memory',
    create: async () => {
      const inbox = createMemoryInbox({ name: 'conformance' })
      return {
        inbox,
        deliver: async (raw) => {
          inbox.deliver(raw)
        },
      }
    },
  },
)

describe('createMemoryInbox', () => {
  it('keeps its own copy of delivered bytes and hands out copies', async () => {
    const inbox = createMemoryInbox()
    const bytes = new TextEncoder().encode('Subject: a\r\n\r\nbody\r\n')
    inbox.deliver(bytes)
    bytes[0] = 0x58 // the caller reuses its buffer
    const [first] = await collect(inbox.fetch(null))
    expect(new TextDecoder().decode(first!.raw)).toBe('Subject: a\r\n\r\nbody\r\n')
    first!.raw[0] = 0x58 // the consumer scribbles on what it got
    const [second] = await collect(inbox.fetch(null))
    expect(new TextDecoder().decode(second!.raw)).toBe('Subject: a\r\n\r\nbody\r\n')
  })

  it('failNext makes the next fetch throw the given error, then recovers', async () => {
    const inbox = createMemoryInbox()
    inbox.deliver('Subject: a\r\n\r\nbody\r\n')
    inbox.failNext(1, new Error('outage'))
    await expect(collect(inbox.fetch(null))).rejects.toThrow('outage')
    expect(await collect(inbox.fetch(null))).toHaveLength(1)
  })
})
