/**
 * The `code` of a Node.js system error (`ECONNRESET`, `ENOENT`, `EACCES`, …) or of any error
 * that carries a string `code`; `undefined` when there is none.
 */
export function systemErrorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

/**
 * Error codes of a server that could not be reached or dropped the connection: Node.js socket
 * and DNS errors, and the connect, socket and timeout errors of `fetch` (undici). The same call
 * may succeed later.
 */
export const transientNetworkErrorCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
])

/**
 * True when `error`, or an error in its `cause` chain (`fetch` reports `TypeError: fetch
 * failed` with the socket error as `cause`), has one of {@link transientNetworkErrorCodes}:
 * the server could not be reached or dropped the connection, so a retry may succeed.
 */
export function isTransientNetworkError(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const code = systemErrorCode(current)
    if (code !== undefined && transientNetworkErrorCodes.has(code)) return true
    current = (current as { cause?: unknown }).cause
  }
  return false
}
