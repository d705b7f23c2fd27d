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
export { parseRawMessage, type RawMessage } from './mime/parse-raw-message.js'
export { extractReplyText, type ExtractReplyTextOptions } from './mime/extract-reply-text.js'
export { createRuleClassifier, ruleConfidence, type RuleClassifierOptions } from './classifier/create-rule-classifier.js'
export { composeClassifiers, type ComposeClassifiersOptions } from './classifier/compose-classifiers.js'
export { builtInPhrases } from './classifier/detect-intent.js'
export type { LanguagePhrases, RuleLanguage } from './classifier/phrases/language-phrases.js'
export { extractReturnDate } from './classifier/extract-return-date.js'
