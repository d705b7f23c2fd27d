import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { isTransientNetworkError, systemErrorCode } from './network-errors.js'

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('network errors', () => {
  it('a refused connection reported by fetch (the socket error as cause) is transient', async () => {
    const error = await fetch(`http://127.0.0.1:${await closedPort()}/`).then(
      () => null,
      (failure: unknown) => failure,
    )
    expect(error).toBeInstanceOf(TypeError)
    expect(systemErrorCode(error)).toBeUndefined()
    expect(isTransientNetworkError(error)).toBe(true)
  })

  it('socket and DNS codes are transient; file-system and application errors are not', () => {
    for (const code of ['ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET']) {
      expect(isTransientNetworkError(Object.assign(new Error(code), { code })), code).toBe(true)
    }
    expect(isTransientNetworkError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false)
    expect(isTransientNetworkError(new Error('invalid payload'))).toBe(false)
    expect(isTransientNetworkError(null)).toBe(false)
    expect(systemErrorCode(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('EACCES')
    expect(systemErrorCode({ code: 42 })).toBeUndefined()
  })
})
