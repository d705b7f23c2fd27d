import { createHmac, timingSafeEqual } from 'node:crypto'
import { CamError } from '../errors/cam-error.js'

/** What an unsubscribe token proves: this lead (and address) asked to stop. */
export interface UnsubscribeTokenPayload {
  leadId: string
  /** Normalised address of the lead. */
  email: string
}

const version = 'v1'

function sign(body: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${version}.${body}`).digest()
}

function assertSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < 16) {
    throw new CamError('CONFIG_INVALID', 'unsubscribe secret: expected a string of at least 16 characters')
  }
}

/**
 * Creates a signed, unforgeable per-lead unsubscribe token (HMAC-SHA256), safe to
 * put in a URL. Anyone holding the secret can verify it; nobody without it can forge
 * one for another lead.
 */
export function createUnsubscribeToken(payload: UnsubscribeTokenPayload, secret: string): string {
  assertSecret(secret)
  const body = Buffer.from(JSON.stringify({ l: payload.leadId, e: payload.email }), 'utf8').toString('base64url')
  return `${version}.${body}.${sign(body, secret).toString('base64url')}`
}

/**
 * Verifies a token made by {@link createUnsubscribeToken}; returns its payload or
 * throws a `CamError` with code `UNSUBSCRIBE_TOKEN_INVALID` (the message never echoes
 * the secret).
 */
export function verifyUnsubscribeToken(token: string, secret: string): UnsubscribeTokenPayload {
  assertSecret(secret)
  const invalid = (why: string) => new CamError('UNSUBSCRIBE_TOKEN_INVALID', `Invalid unsubscribe token: ${why}`)
  if (typeof token !== 'string' || token.length > 2048) throw invalid('expected a token string')
  const [tokenVersion, body, signature] = token.split('.')
  if (tokenVersion !== version || !body || !signature) throw invalid('malformed')
  const expected = sign(body, secret)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid('bad signature')
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))
  } catch (error) {
    throw new CamError('UNSUBSCRIBE_TOKEN_INVALID', 'Invalid unsubscribe token: unreadable payload', { cause: error })
  }
  const { l, e } = (parsed ?? {}) as { l?: unknown; e?: unknown }
  if (typeof l !== 'string' || typeof e !== 'string') throw invalid('unreadable payload')
  return { leadId: l, email: e }
}
