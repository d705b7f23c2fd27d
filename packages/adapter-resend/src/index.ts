/**
 * `@cam/adapter-resend`: CAM's `Sender` and an email `AlertChannel` on Resend.
 *
 * @packageDocumentation
 */
export { createResendSender, type ResendSender, type ResendSenderOptions } from './create-resend-sender.js'
export { createResendAlerts, type ResendAlertsOptions } from './create-resend-alerts.js'
export { createResendReconcileStep, type ResendReconcileStepOptions, type ResendReconcileCounts } from './create-resend-reconcile-step.js'
export type { ResendConnectionOptions, ResendRateLimitOptions } from './resend-transport.js'
