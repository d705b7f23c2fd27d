/**
 * `@cam/core/adapter-kit`: what CAM's adapters are built with, for anyone writing one — an
 * abortable `sleep`, backoff with jitter, `Retry-After` parsing, option validation with zod
 * that lists every problem, mapping of HTTP and network failures to the ports' errors, error
 * class markers for an adapter's own `CamError` subclasses, the text rules applied to
 * attacker-controlled text, Message-ID helpers, metric counters for `Store` authors and the
 * reply readers for `Classifier` authors.
 *
 * A host app does not need it: everything an app uses is exported by `@cam/core`.
 *
 * @packageDocumentation
 */
export { sleep, type SleepOptions } from './sleep.js'
export { backoffDelay, type BackoffOptions, type BackoffJitter } from './backoff-delay.js'
export { maxTimerDelayMs } from './max-timer-delay.js'
export { parseRetryAfter } from './parse-retry-after.js'
export { parseOptions, type ParseOptionsSettings } from './parse-options.js'
export { optionFields } from './option-fields.js'
export { describeValue } from './describe-value.js'
export { isLogger, missingLoggerMethods } from './is-logger.js'
export {
  httpFailureKind,
  sendErrorFromHttpFailure,
  alertDeliveryErrorFromHttpFailure,
  toAlertDeliveryError,
  type FailureKind,
  type HttpFailure,
} from './http-failure.js'
export { systemErrorCode, isTransientNetworkError, transientNetworkErrorCodes } from './network-errors.js'
export { errorMessage, errorClassMarker, markErrorClass, hasErrorClassMarker } from '../errors/cam-error.js'
export { sanitizeText, toSingleLine, containsControlCharacter } from '../domain/plain-text.js'
export { sanitizeForLog } from '../util/logger.js'
export { checkOutgoingEmail, safeDisplayName } from './outgoing-email-checks.js'
export { readMessageIdHeader, normalizeMessageId } from '../util/header-message-id.js'
export { emptyMetricCounts, metricNames, metricRates } from '../domain/metrics.js'
export { classifySmtpReply, type SmtpReplyVerdict } from './classify-smtp-reply.js'
export { extractReturnDate } from '../classifier/extract-return-date.js'
export { extractReplyText, type ExtractReplyTextOptions } from '../mime/extract-reply-text.js'
export { nodeRequestHeaders, nodeRequestUrl, writeWebResponse } from './node-http-bridge.js'
