import { errorMessage } from '@cam/core/adapter-kit'

/** System error codes of a name lookup that failed. */
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME', 'EAI_FAIL'])
/** Codes of a connection that could not be made or was cut. */
const connectionCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out connecting',
  ETIMEOUT: 'timed out connecting',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_SOCKET: 'connection closed by the server',
}
/** OpenSSL's certificate verification codes (Node reports them as `code`). */
const certificateCodes = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'HOSTNAME_MISMATCH',
])

interface SystemErrorFields {
  code?: unknown
  hostname?: unknown
  address?: unknown
  port?: unknown
  reason?: unknown
}

/** The error, its causes (`cause`) and the errors it aggregates, outermost first. */
function errorChain(error: unknown): unknown[] {
  const chain: unknown[] = []
  const visit = (value: unknown, depth: number) => {
    if (value === undefined || value === null || depth > 8 || chain.includes(value)) return
    chain.push(value)
    if (value instanceof AggregateError) for (const inner of value.errors) visit(inner, depth + 1)
    if (value instanceof Error) visit(value.cause, depth + 1)
  }
  visit(error, 0)
  return chain
}

const codeOf = (value: unknown): string => {
  const code = (value as SystemErrorFields | null)?.code
  return typeof code === 'string' ? code : ''
}

/** TLS by its code; by its message only when it has no code (pg's "The server does not support SSL connections"). */
const isTls = (code: string, message: string) =>
  code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code === 'EPROTO' || certificateCodes.has(code) || (code === '' && /\b(ssl|tls)\b|certificate/i.test(message))

/**
 * What went wrong with a connection, in one line that names the cause — DNS, a refused or
 * reset connection, a timeout, TLS — with the underlying message and code: "fetch failed"
 * alone (undici keeps the reason in `cause`) or an empty message (an `AggregateError`
 * from a connection tried on several addresses) says nothing. Never includes a URL's path
 * or credentials: only host names and addresses, which the errors carry themselves. One
 * line (some messages span several).
 */
export function describeFailure(error: unknown): string {
  return findCause(error).replace(/\s*\n\s*/g, ' ').trim()
}

function findCause(error: unknown): string {
  const chain = errorChain(error)
  const messages = chain.map((value) => errorMessage(value).trim()).filter((message, index, all) => message !== '' && all.indexOf(message) === index)
  const detail = messages.join(': ')
  for (const value of chain) {
    const code = codeOf(value)
    const fields = value as SystemErrorFields
    const message = errorMessage(value)
    if (dnsCodes.has(code)) {
      const host = typeof fields.hostname === 'string' ? fields.hostname : 'the host'
      return `DNS: cannot resolve ${host} (${code})`
    }
    if (isTls(code, message)) {
      // OpenSSL's messages carry a file and line; its `reason` is the readable part.
      const reason = typeof fields.reason === 'string' && fields.reason !== '' ? fields.reason : message || code
      const hint = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' ? ' — the server does not speak TLS on this port' : ''
      return `TLS: ${reason}${code && !reason.includes(code) ? ` (${code})` : ''}${hint}`
    }
    if (Object.hasOwn(connectionCodes, code)) {
      const where = typeof fields.address === 'string' ? ` by ${fields.address}${typeof fields.port === 'number' ? `:${fields.port}` : ''}` : ''
      const what = connectionCodes[code]!
      return `${what}${code === 'ECONNREFUSED' ? where : ''} (${code})`
    }
  }
  const timedOut = chain.find((value) => value instanceof Error && (value.name === 'TimeoutError' || value.name === 'AbortError'))
  if (timedOut) return `timed out (${errorMessage(timedOut)})`
  return detail || 'unknown error'
}
