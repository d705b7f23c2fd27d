/**
 * `@cam/adapter-resend`: CAM's `Sender` and an email `AlertChannel` on Resend, and the endpoint
 * that turns Resend's signed delivery webhooks into CAM delivery events.
 *
 * @packageDocumentation
 */
export { createResendSender, type ResendSender, type ResendSenderOptions } from './create-resend-sender.js'
export { createResendAlerts, type ResendAlertsOptions } from './create-resend-alerts.js'
export { createResendReconcileStep, type ResendReconcileStepOptions, type ResendReconcileCounts } from './create-resend-reconcile-step.js'
export type { ResendConnectionOptions, ResendRateLimitOptions } from './resend-transport.js'
export { createResendWebhookHandler, type ResendWebhookHandler, type ResendWebhookHandlerOptions } from './create-resend-webhook-handler.js'
export {
  toResendDeliveryEvent,
  resendBounceType,
  resendDeliveryEventTypes,
  type ResendDeliveryEventType,
} from './resend-delivery-event.js'
export { toNodeRequestListener, type NodeRequestListener, type NodeRequestListenerOptions } from './node-request-listener.js'
