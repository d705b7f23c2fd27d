import { z } from 'zod'
import { bounceReasons, type BounceDetails, type BounceReason } from '../domain/classification.js'

/**
 * What a bounce does to its lead:
 * - `suppress`: the lead becomes `bounced` and the address is suppressed everywhere
 *   (`hard_bounce`) — for addresses that will never work;
 * - `stop`: the lead becomes `bounced` (its sequence stops); the address is not suppressed;
 * - `retry`: the lead stays in its sequence — the next step goes out as scheduled, so a
 *   full mailbox or a blocked sender gets another chance later; the bounce still counts
 *   (soft bounces as `softBounced`, block reasons against the campaign's and the mailbox's
 *   health as `bounced`/`blocked`, never against the prospect).
 */
export type BounceAction = 'suppress' | 'stop' | 'retry'

/** Every bounce action. */
export const bounceActionNames: readonly BounceAction[] = ['suppress', 'stop', 'retry']

/** Reasons that mean the address will never work: suppressed by default. */
const suppressedByDefault: ReadonlySet<BounceReason> = new Set<BounceReason>(['user_unknown', 'host_unknown', 'has_moved', 'not_accepted'])

/** The default action of every reason: suppress on user unknown, host unknown, has moved and not accepted; retry everything else. */
export const defaultBounceActions: Readonly<Record<BounceReason, BounceAction>> = Object.fromEntries(
  bounceReasons.map((reason) => [reason, suppressedByDefault.has(reason) ? 'suppress' : 'retry']),
) as Record<BounceReason, BounceAction>

/**
 * The action for a bounce: a delay warning is always `retry` (the server is still
 * trying); otherwise the configured action of its reason, falling back to the default. A
 * bounce of reason `undefined` that is `hard` nonetheless — a provider's own "permanent"
 * verdict or its suppression list, with no diagnostic to read — and a bounce without a
 * known reason (a custom classifier written before reasons existed) act by their type:
 * hard suppresses, anything else retries.
 */
export function bounceActionFor(bounce: Pick<BounceDetails, 'type' | 'reason' | 'delayed'>, actions: Readonly<Partial<Record<BounceReason, BounceAction>>> = defaultBounceActions): BounceAction {
  if (bounce.delayed === true) return 'retry'
  if (!Object.hasOwn(defaultBounceActions, bounce.reason) || (bounce.reason === 'undefined' && bounce.type === 'hard')) return bounce.type === 'hard' ? 'suppress' : 'retry'
  return actions[bounce.reason] ?? defaultBounceActions[bounce.reason]
}

/** Validates a bounce-action table: known reasons only, each with a known action. */
export const bounceActionsSchema = z.partialRecord(
  z.enum(bounceReasons as [BounceReason, ...BounceReason[]], { error: `expected a bounce reason (${bounceReasons.join(', ')})` }),
  z.enum(bounceActionNames as [BounceAction, ...BounceAction[]], { error: `expected 'suppress', 'stop' or 'retry'` }),
)
