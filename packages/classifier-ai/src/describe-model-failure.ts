import { parseRetryAfter, toSingleLine } from '@cam/core/adapter-kit'
import { APICallError, JSONParseError, NoObjectGeneratedError, NoOutputGeneratedError, RetryError, TypeValidationError } from 'ai'

/** Why the model gave no usable answer. */
export type ModelFailureKind =
  | 'timeout'
  | 'rate_limited'
  | 'provider_error'
  | 'unreachable'
  | 'refusal'
  | 'content_filter'
  | 'output_cut'
  | 'invalid_output'
  | 'schema_mismatch'
  | 'unexpected'

/** A failed model call, in words for the classification's reason. */
export interface ModelFailure {
  kind: ModelFailureKind
  /** What happened, e.g. `was rate limited by the provider (HTTP 429, retry after 30 s)`. */
  description: string
  /** For `rate_limited`: the provider's `Retry-After`, in milliseconds, when it sent one. */
  retryAfterMs?: number
}

/** What a reason says when the provider's content filter stopped the answer. */
export const contentFilterDescription = "was stopped by the provider's content filter"

/** What a reason says when the answer was cut at `maxOutputTokens`. */
export function outputCutDescription(maxOutputTokens: number): string {
  return `got an answer cut off at maxOutputTokens (${maxOutputTokens}) before it was complete`
}

/** Longest provider text (an error message, a refusal) quoted in a reason, in characters. */
const quotedTextLength = 160

/** One line of provider text, cut to {@link quotedTextLength}. */
function quote(text: string): string {
  const line = toSingleLine(text)
  return JSON.stringify(line.length > quotedTextLength ? `${line.slice(0, quotedTextLength)}…` : line)
}

/** The fields a schema validation failure names (`category`, `confidence`), from a Standard Schema or zod error. */
function invalidFields(error: TypeValidationError): string[] {
  const cause = error.cause as { issues?: unknown } | undefined
  const issues = Array.isArray(cause?.issues) ? (cause.issues as Array<{ path?: unknown; message?: unknown }>) : []
  const fields = issues.map((issue) => {
    const path = Array.isArray(issue.path) ? issue.path.map((part) => (typeof part === 'object' && part !== null && 'key' in part ? String(part.key) : String(part))).join('.') : ''
    return path === '' ? '(the answer)' : path
  })
  return [...new Set(fields)]
}

/** The refusal an OpenAI-style response body carries (`choices[0].message.refusal`), when there is one. */
function refusalInBody(body: unknown): string | undefined {
  const choices = (body as { choices?: unknown } | null | undefined)?.choices
  if (!Array.isArray(choices)) return undefined
  const refusal = (choices[0] as { message?: { refusal?: unknown } } | undefined)?.message?.refusal
  return typeof refusal === 'string' && refusal.trim() !== '' ? refusal : undefined
}

/**
 * Reads what went wrong from an AI SDK error: an HTTP answer (`APICallError`: 429 with its
 * `Retry-After`, 5xx, other statuses), no answer at all, an answer that is not JSON (a
 * refusal in words), JSON that does not fit the schema, or output cut at `maxOutputTokens`.
 */
export function describeModelFailure(error: unknown, settings: { maxOutputTokens: number; now: Date }): ModelFailure {
  const cause = RetryError.isInstance(error) ? error.lastError : error
  if (APICallError.isInstance(cause)) {
    const status = cause.statusCode
    if (status === 429) {
      const header = cause.responseHeaders?.['retry-after']
      const retryAfterMs = parseRetryAfter(header, settings.now.getTime())
      const wait = retryAfterMs === undefined ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`
      return { kind: 'rate_limited', description: `was rate limited by the provider (HTTP 429${wait})`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
    }
    if (status === undefined) return { kind: 'unreachable', description: `could not reach the provider: ${quote(cause.message)}` }
    return { kind: 'provider_error', description: `got an error from the provider (HTTP ${status}): ${quote(cause.message)}` }
  }
  if (NoObjectGeneratedError.isInstance(cause)) {
    const refusal = refusalInBody((cause.response as { body?: unknown } | undefined)?.body)
    if (refusal !== undefined) return { kind: 'refusal', description: `was refused by the model: ${quote(refusal)}` }
    if (cause.finishReason === 'content-filter') return { kind: 'content_filter', description: contentFilterDescription }
    if (cause.finishReason === 'length') return { kind: 'output_cut', description: outputCutDescription(settings.maxOutputTokens) }
    if (TypeValidationError.isInstance(cause.cause)) {
      return { kind: 'schema_mismatch', description: `got an answer that does not match the schema (${invalidFields(cause.cause).join(', ')})` }
    }
    const text = cause.text?.trim() ?? ''
    if (JSONParseError.isInstance(cause.cause) && text !== '' && !text.startsWith('{') && !text.startsWith('```')) {
      return { kind: 'refusal', description: `got words instead of a JSON answer (a refusal?): ${quote(text)}` }
    }
    return { kind: 'invalid_output', description: `got an answer that is not valid JSON${text === '' ? ' (empty)' : `: ${quote(text)}`}` }
  }
  if (NoOutputGeneratedError.isInstance(cause)) return { kind: 'invalid_output', description: 'got no answer from the model (no output generated)' }
  const message = cause instanceof Error ? cause.message : String(cause)
  return { kind: 'unexpected', description: `failed: ${quote(message)}` }
}
