import { describe, expect, it } from 'vitest'
import { CamError } from '../errors/cam-error.js'
import { createUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token.js'

const secret = 'a-very-secret-secret-value'

describe('unsubscribe tokens', () => {
  it('round-trips the lead id and address', () => {
    const token = createUnsubscribeToken({ leadId: 'lead-1', email: 'ana@acme.io' }, secret)
    expect(token).toMatch(/^v1\.[\w-]+\.[\w-]+$/)
    expect(verifyUnsubscribeToken(token, secret)).toEqual({ leadId: 'lead-1', email: 'ana@acme.io' })
  })

  it('rejects a token signed with another secret or tampered with', () => {
    const token = createUnsubscribeToken({ leadId: 'lead-1', email: 'ana@acme.io' }, secret)
    expect(() => verifyUnsubscribeToken(token, 'another-secret-of-length')).toThrowError(/bad signature/)
    const [v, , sig] = token.split('.')
    const forgedBody = Buffer.from(JSON.stringify({ l: 'lead-2', e: 'bob@acme.io' })).toString('base64url')
    const forged = `${v}.${forgedBody}.${sig}`
    try {
      verifyUnsubscribeToken(forged, secret)
      expect.unreachable()
    } catch (error) {
      expect(CamError.isInstance(error, 'UNSUBSCRIBE_TOKEN_INVALID')).toBe(true)
      expect(String(error)).not.toContain(secret)
    }
    expect(() => verifyUnsubscribeToken('garbage', secret)).toThrowError(/malformed/)
  })

  it('refuses a short secret', () => {
    expect(() => createUnsubscribeToken({ leadId: 'x', email: 'a@b.co' }, 'short')).toThrowError(/at least 16/)
  })
})
