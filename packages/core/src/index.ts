/**
 * `@cam/core`: domain types, ports, the worker, the management client and the
 * built-in rule classifier. Helpers for adapter authors are in `@cam/core/adapter-kit`.
 *
 * @packageDocumentation
 */
export {
  CamError,
  ValidationError,
  AdapterError,
  ConflictError,
  NotFoundError,
  SendError,
  AlertDeliveryError,
  WebhookDeliveryError,
  InboxError,
  type CamErrorCode,
  type CamErrorOptions,
  type ValidationIssue,
  type SendErrorKind,
  type SendErrorScope,
  type SendRefusal,
} from './errors/index.js'
export * from './domain/index.js'
export type * from './ports/index.js'
export type * from './mime/parsed-message.js'
export { systemClock, type Clock } from './util/clock.js'
export { silentLogger, createConsoleLogger, type Logger, type LogFields } from './util/logger.js'
export {
  createUnsubscribeToken,
  verifyUnsubscribeToken,
  type UnsubscribeTokenPayload,
} from './unsubscribe/unsubscribe-token.js'
export { parseRawMessage, type RawMessage } from './mime/parse-raw-message.js'
export { createRuleClassifier, type RuleClassifierOptions } from './classifier/create-rule-classifier.js'
export { composeClassifiers, type ComposeClassifiersOptions } from './classifier/compose-classifiers.js'
export { defaultBounceActions, type BounceAction } from './policy/bounce-actions.js'
export { builtInPhrases } from './classifier/detect-intent.js'
export type { BuiltInLanguage, LanguagePhrases, RuleLanguage } from './classifier/phrases/language-phrases.js'
export type { LanguageWords } from './classifier/phrases/language-words.js'
export type { BounceWords } from './classifier/phrases/bounce-words.js'
export type { StructureWords } from './classifier/phrases/structure-words.js'
export { createCamWorker, type CamWorker, type CamWorkerOptions } from './worker/create-cam-worker.js'
export { defaultMailboxDailyLimit, defaultMailboxHealthRules, defaultMailboxMinGapMs, defaultMailboxRampUp, type MailboxConfig } from './worker/mailbox-pool.js'
export { defaultWebhookGiveUpAfterMs, defaultWebhookTimeoutMs, type WebhookEndpointConfig } from './worker/webhook-endpoints.js'
export { webhookUserAgent } from './worker/steps/webhook-request.js'
export type { CamWebhookClient } from './client/webhook-client.js'
export type { CamEventPayloads, CamEventName, CamEvents } from './worker/cam-events.js'
export type { CamEventSource, CamListener } from './worker/safe-emitter.js'
export type { CamHooks, BeforeSendInput, BeforeSendResult, ClassificationHookInput } from './worker/cam-hooks.js'
export type { WorkerStep, StepContext, CycleState } from './worker/step.js'
export type { StepCounts, StepReport, CycleReport } from './worker/cycle-report.js'
export type { WorkerConfig, WorkerConfigInput } from './worker/worker-config.js'
export { createCamClient, type CamClient, type CamClientOptions, type UnsubscribeResult } from './client/create-cam-client.js'
export type { MailboxMetrics } from './client/mailbox-metrics.js'
export { overridableCategories, type OverridableCategory } from './client/review-replies.js'
export { defaultAlertCategories } from './policy/follow-up-policy.js'
export type { AddLeadsReport, InvalidLead } from './sequence/enroll-leads.js'
export {
  loadConfigFromEnv,
  readEnvironment,
  env,
  camEnvironmentVariables,
  type Environment,
  type EnvironmentVariable,
  type EnvironmentValues,
  type LoadedConfig,
} from './config/load-config-from-env.js'
export { createConsoleAlerts, type ConsoleAlertsOptions } from './alerts/create-console-alerts.js'
