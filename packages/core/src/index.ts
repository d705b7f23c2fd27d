/**
 * `@cam/core`: domain types, ports, the worker, the management client and the
 * built-in rule classifier.
 *
 * @packageDocumentation
 */
export * from './errors/index.js'
export * from './domain/index.js'
export type * from './ports/index.js'
export type * from './mime/parsed-message.js'
export { systemClock, type Clock } from './util/clock.js'
export { silentLogger, createConsoleLogger, sanitizeForLog, type Logger, type LogFields } from './util/logger.js'
export {
  createUnsubscribeToken,
  verifyUnsubscribeToken,
  type UnsubscribeTokenPayload,
} from './unsubscribe/unsubscribe-token.js'
