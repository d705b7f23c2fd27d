import { toSingleLine } from '@cam/core/adapter-kit'
import { overridableCategories } from '@cam/core'
import { HttpProblem } from './http-problem.js'
import type { NoticeCode } from './layout.js'
import type { PageContext } from './page-context.js'

/** What an action did: the notice to show, and what to log. */
export interface ActionResult {
  notice: NoticeCode
  /** The log line's `action` and `target`. */
  action: string
  target: string
}

/** One state-changing request: `params` from the path, `form` the posted fields (token already checked). */
export type Action = (context: PageContext, params: string[], form: URLSearchParams) => Promise<ActionResult>

/** A posted text field, one line, at most `max` characters; `required` makes an empty one a 400 naming it. */
function field(form: URLSearchParams, name: string, options: { required?: boolean; max?: number } = {}): string {
  const value = toSingleLine(form.get(name) ?? '').trim()
  if (options.required && value === '') throw new HttpProblem(400, `${name}: expected a value`)
  const max = options.max ?? 500
  if (Array.from(value).length > max) throw new HttpProblem(400, `${name}: expected at most ${max} characters`)
  return value
}

function oneOf<T extends string>(form: URLSearchParams, name: string, values: readonly T[]): T {
  const value = form.get(name) ?? ''
  if (!(values as readonly string[]).includes(value)) throw new HttpProblem(400, `${name}: expected one of ${values.join(', ')}`)
  return value as T
}

const inDoubtResolutions = ['sent', 'resend', 'cancel'] as const

/** A reason as the store keeps it: what the person wrote, and who did it from here. */
const byActor = (context: PageContext, reason: string) => `${reason} (by ${context.actor.actor} in the dashboard)`.slice(0, 500)

/** Every action by route key (see `routes.ts`). */
export const actions: Record<string, Action> = {
  async 'campaign.pause'(context, [campaignId], form) {
    const reason = field(form, 'reason')
    await context.client.pauseCampaign(campaignId!, byActor(context, reason || 'paused'))
    return { notice: 'campaign-paused', action: 'campaign.pause', target: campaignId! }
  },
  async 'campaign.resume'(context, [campaignId]) {
    await context.client.resumeCampaign(campaignId!)
    return { notice: 'campaign-resumed', action: 'campaign.resume', target: campaignId! }
  },
  async 'campaign.start'(context, [campaignId]) {
    await context.client.startCampaign(campaignId!)
    return { notice: 'campaign-started', action: 'campaign.start', target: campaignId! }
  },
  async 'email.resolve'(context, [emailId], form) {
    const resolution = oneOf(form, 'resolution', inDoubtResolutions)
    await context.client.resolveInDoubtEmail(emailId!, resolution)
    return { notice: `email-resolved-${resolution}`, action: `email.resolve.${resolution}`, target: emailId! }
  },
  async 'message.retry'(context, [messageId]) {
    await context.client.retryQuarantinedMessage(messageId!)
    return { notice: 'message-retried', action: 'message.retry', target: messageId! }
  },
  async 'reply.reclassify'(context, [messageId], form) {
    const category = oneOf(form, 'category', overridableCategories)
    const reason = field(form, 'reason')
    await context.client.overrideReplyClassification(messageId!, { category, actor: context.actor.actor, ...(reason ? { reason } : {}) })
    return { notice: 'reply-reclassified', action: `reply.reclassify.${category}`, target: messageId! }
  },
  async 'suppression.add'(context, _params, form) {
    const email = field(form, 'email', { required: true, max: 320 })
    const reason = field(form, 'reason', { required: true })
    const { created } = await context.client.suppress(email, 'manual', `dashboard, ${context.actor.actor}: ${reason}`.slice(0, 500))
    return { notice: created ? 'suppression-added' : 'suppression-exists', action: 'suppression.add', target: email }
  },
  async 'suppression.remove'(context, _params, form) {
    const email = field(form, 'email', { required: true, max: 320 })
    const reason = field(form, 'reason', { required: true })
    const { removed } = await context.client.removeSuppression(email, { actor: context.actor.actor, reason })
    return { notice: removed ? 'suppression-removed' : 'suppression-absent', action: 'suppression.remove', target: email }
  },
  async 'mailbox.pause'(context, [name], form) {
    const reason = field(form, 'reason')
    await context.client.pauseMailbox(name!, byActor(context, reason || 'paused'))
    return { notice: 'mailbox-paused', action: 'mailbox.pause', target: name! }
  },
  async 'mailbox.resume'(context, [name]) {
    await context.client.resumeMailbox(name!)
    return { notice: 'mailbox-resumed', action: 'mailbox.resume', target: name! }
  },
  async 'webhook.replay'(context, [deliveryId]) {
    await context.client.replayWebhookDelivery(deliveryId!)
    return { notice: 'webhook-replayed', action: 'webhook.replay', target: deliveryId! }
  },
  async 'webhook-endpoint.enable'(context, [name]) {
    await context.client.enableWebhookEndpoint(name!)
    return { notice: 'webhook-endpoint-enabled', action: 'webhook-endpoint.enable', target: name! }
  },
  async 'webhook-endpoint.disable'(context, [name], form) {
    const reason = field(form, 'reason')
    await context.client.disableWebhookEndpoint(name!, byActor(context, reason || 'disabled'))
    return { notice: 'webhook-endpoint-disabled', action: 'webhook-endpoint.disable', target: name! }
  },
}
