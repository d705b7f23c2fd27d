import type { ClassificationResult } from '../../domain/classification.js'
import type { InboundMessage } from '../../domain/inbound-message.js'
import type { ParsedMessage } from '../../mime/parsed-message.js'
import { alertRaisedEvent, emailBouncedEvent, leadStateChangedEvent, replyClassifiedEvent } from '../../policy/cam-event-builders.js'
import type { MessageOutcome } from '../../ports/store-v1.js'
import { subscribedEvents, wantsEvent } from '../subscribed-events.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import type { MessageMatch } from './match-message.js'

/**
 * The events of one processed message, recorded with its outcome (only those an
 * endpoint subscribes to): `reply.classified`, then what the outcome does — the bounce of
 * the email it reports (a DSN), the lead's transition, the alert it raises.
 */
export function replyOutcomeEvents(
  runtime: WorkerRuntime,
  input: { message: InboundMessage; parsed: ParsedMessage; match: MessageMatch; classification: ClassificationResult; outcome: MessageOutcome },
): Pick<MessageOutcome, 'events'> {
  if (runtime.webhooks.length === 0) return {}
  const { message, parsed, match, classification, outcome } = input
  const now = outcome.now
  const bounce = classification.bounce
  const bounced = outcome.finding && (outcome.finding.kind === 'bounced' || outcome.finding.kind === 'soft_bounced') && bounce && !bounce.delayed && match.outbound
  return subscribedEvents(runtime, [
    wantsEvent(runtime, 'reply.classified')
      ? replyClassifiedEvent({
          message: { id: message.id, headerMessageId: message.messageId },
          from: parsed.from?.address ?? null,
          subject: parsed.subject,
          replyText: parsed.replyText.trim() || parsed.text,
          lead: match.lead,
          campaign: match.campaign,
          outbound: match.outbound,
          classification,
          now,
        })
      : null,
    bounced && bounce && match.outbound ? emailBouncedEvent({ email: match.outbound, bounce, source: 'report', provider: null, now }) : null,
    outcome.leadTransition && match.lead ? leadStateChangedEvent({ lead: match.lead, transition: outcome.leadTransition, now }) : null,
    outcome.alert?.alert.id ? alertRaisedEvent({ ...outcome.alert.alert, id: outcome.alert.alert.id }, now) : null,
  ])
}
