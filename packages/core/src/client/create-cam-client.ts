import { z } from 'zod'
import { bounceActionsSchema, type BounceAction } from '../policy/bounce-actions.js'
import { replyCategories, type BounceReason, type ReplyCategory } from '../domain/classification.js'
import type { Alert, AlertDelivery } from '../domain/alert.js'
import type { WorkerHeartbeat } from '../domain/heartbeat.js'
import { emptyMetricCounts } from '../domain/metrics.js'
import type { DeliveryEvent, DeliveryEventInput, DeliveryEventResult } from '../domain/delivery-event.js'
import {
  campaignInputSchema,
  campaignPatchSchema,
  type Campaign,
  type CampaignInput,
  type CampaignPatch,
  type CampaignStatus,
  type NewCampaign,
} from '../domain/campaign.js'
import { normalizeEmail } from '../domain/email-address.js'
import type { InboundMessage } from '../domain/inbound-message.js'
import type { Lead } from '../domain/lead.js'
import type { CampaignMetrics } from '../domain/metrics.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import type { Suppression, SuppressionReason } from '../domain/suppression.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import { ValidationError } from '../errors/validation-error.js'
import { computeCampaignMetrics } from '../metrics/compute-campaign-metrics.js'
import type { CampaignDayCounters, InDoubtResolution, ListLeadsFilter, StoreV1 } from '../ports/store-v1.js'
import { progressAfterSend } from '../sequence/lead-progress.js'
import { compileCampaignTemplates } from '../templates/campaign-templates.js'
import { verifyUnsubscribeToken } from '../unsubscribe/unsubscribe-token.js'
import { systemClock, type Clock } from '../util/clock.js'
import { silentLogger, type Logger } from '../util/logger.js'
import { zodIssues } from '../util/zod-issues.js'
import { utcDayKeyDaysBefore } from '../util/day-key.js'
import { wrapPort } from '../ports/wrap-port.js'
import { addLeadsToCampaign, type AddLeadsReport } from '../sequence/enroll-leads.js'
import { defaultAlertCategories } from '../policy/follow-up-policy.js'
import { recordDeliveryEvent } from './record-delivery-event.js'
import { campaignStatusEvent, emailSentEvent } from '../policy/cam-event-builders.js'
import { webhookClientMethods, type CamWebhookClient } from './webhook-client.js'
import { overridableCategories, overrideReplyClassification, type OverridableCategory } from './review-replies.js'
import { computeMailboxMetrics, type MailboxMetrics } from './mailbox-metrics.js'
import type { MailboxState } from '../domain/mailbox.js'
import {
  argumentIssues,
  campaignStatuses,
  clientArguments,
  emailArgument,
  filterArgument,
  idArgument,
  inDoubtResolutions,
  leadStateValues,
  limitArgument,
  oneOf,
  someOf,
  suppressionReasons,
  textArgument,
} from './client-arguments.js'

/** Options of {@link createCamClient}. */
export interface CamClientOptions {
  store: StoreV1
  clock?: Clock | undefined
  /** Secret of the unsubscribe tokens (the worker's `config.unsubscribe.secret`), needed by `handleUnsubscribe`. */
  unsubscribeSecret?: string | undefined
  /** Where the client logs (delivery events for unknown emails at debug). Default: silent. */
  logger?: Logger | undefined
  /**
   * What a provider-reported bounce (`recordDeliveryEvent`) does to its lead, per reason —
   * the same table as the worker's `bounceActions`; give both the same value. Missing
   * reasons take `defaultBounceActions`.
   */
  bounceActions?: Readonly<Partial<Record<BounceReason, BounceAction>>> | undefined
  /**
   * Categories whose replies page a human when a person sets them with
   * `overrideReplyClassification` — the worker's `config.alertCategories`; give both the
   * same value. Default: positive, question, referral.
   */
  alertCategories?: readonly ReplyCategory[] | undefined
  /** Names of the worker's alert channels, for alerts raised by an override. Default: none (no alert). */
  alertChannels?: readonly string[] | undefined
  /** The worker's `config.outOfOfficeDefaultDays`, for an override to out of office without a return date (default 7). */
  outOfOfficeDefaultDays?: number | undefined
}

/** Result of an unsubscribe. */
export interface UnsubscribeResult {
  /** Normalised address now suppressed. */
  email: string
  /** False when the address was already on the suppression list. */
  newlySuppressed: boolean
}

/**
 * Manages campaigns, leads and suppressions. Every method validates its arguments before
 * touching the store: a bad call throws one `ValidationError` (code `VALIDATION_FAILED`)
 * whose issues name every bad field by argument name — `campaignId`, `email`,
 * `filter.limit`, `filter.states.0`, `target.email`, `options.windowDays` — and what was
 * expected. Filter and options objects accept only their documented fields. List limits
 * are integers from 1 to 1000.
 */
export interface CamClient extends CamWebhookClient {
  /** Validates and stores a campaign (status `draft`). Template syntax is checked here. */
  createCampaign(input: CampaignInput): Promise<Campaign>
  /** Changes a campaign's definition (templates re-checked). */
  updateCampaign(campaignId: string, patch: CampaignPatch): Promise<Campaign>
  /** `draft`/`paused` → `active`: emails start going out. */
  startCampaign(campaignId: string): Promise<Campaign>
  /** `active` → `paused`. */
  pauseCampaign(campaignId: string, reason?: string): Promise<Campaign>
  /** `paused` → `active`. */
  resumeCampaign(campaignId: string): Promise<Campaign>
  /** Any status → `completed`: nothing more is sent. */
  completeCampaign(campaignId: string): Promise<Campaign>
  getCampaign(campaignId: string): Promise<Campaign | null>
  /** Campaigns, optionally only those in `statuses` (known statuses, at least one). */
  listCampaigns(filter?: { statuses?: CampaignStatus[] }): Promise<Campaign[]>
  /**
   * Adds leads: dedupes by address within the campaign, skips suppressed addresses,
   * rejects leads lacking a required template variable; reports every count.
   */
  addLeads(campaignId: string, leads: readonly unknown[]): Promise<AddLeadsReport>
  getLead(leadId: string): Promise<Lead | null>
  /**
   * Leads in creation order. `states`: known lead states (at least one); `email`: an
   * address, matched normalised; `limit`: 1 to 1000 (default 100); `after`: the last lead
   * id of the previous page.
   */
  listLeads(filter?: ListLeadsFilter): Promise<Lead[]>
  /** The emails of a lead (all steps, any status). */
  listLeadEmails(leadId: string): Promise<OutboundEmail[]>
  /** Counts, rates (lifetime and the last `windowDays` days) and leads per state. */
  getCampaignMetrics(campaignId: string, options?: { windowDays?: number }): Promise<CampaignMetrics>
  /** Puts an address on the suppression list: no campaign will email it again. */
  suppress(email: string, reason?: SuppressionReason, source?: string): Promise<{ created: boolean }>
  /** The suppression entry of an address (matched normalised), or null. */
  getSuppression(email: string): Promise<Suppression | null>
  /** Unsubscribes an address (or a lead's address) from every campaign. */
  unsubscribe(target: { email: string } | { leadId: string }, source?: string): Promise<UnsubscribeResult>
  /**
   * Handles a one-click unsubscribe (RFC 8058) token from a `List-Unsubscribe` URL.
   * Call it from the POST handler only: GETs are prefetched by link scanners.
   */
  handleUnsubscribe(token: string): Promise<UnsubscribeResult>
  /** Emails a crashed worker left in doubt (non-idempotent sender): a human decides. */
  listInDoubtEmails(campaignId?: string): Promise<OutboundEmail[]>
  /** `resend` (same idempotency key), `cancel`, or `sent` (it did go out: the sequence continues). */
  resolveInDoubtEmail(emailId: string, resolution: InDoubtResolution): Promise<OutboundEmail>
  /**
   * Alerts, optionally of one campaign, oldest first — or `newestFirst: true`; `limit` 1 to
   * 1000 (default 1000); page with `after` (the last id of the previous page, in the same order).
   */
  listAlerts(filter?: { campaignId?: string; limit?: number; newestFirst?: boolean; after?: string }): Promise<Alert[]>
  /**
   * Replies whose processing kept failing (`maxMessageAttempts` times), set aside so the
   * others flow on — oldest first, each with `lastError`. Page with `after` (the last id
   * of the previous page); `limit` 1 to 1000 (default 100).
   */
  listQuarantinedMessages(filter?: { limit?: number; after?: string }): Promise<InboundMessage[]>
  /** Puts a quarantined message back in the queue (due now, with a fresh budget of attempts), e.g. after a fix. */
  retryQuarantinedMessage(messageId: string): Promise<InboundMessage>
  /**
   * Records what a provider reports about an email CAM sent (delivered, delayed, bounced,
   * complained, suppressed, failed) — e.g. from a webhook — with the effects the same
   * finding has when it arrives as a DSN or ARF report over IMAP: a hard bounce suppresses
   * the address and stops the lead's sequence, a complaint suppresses and stops, a soft
   * bounce or a delay changes nothing but a counter, and the bounce and complaint rates
   * the decide step reads include them. Idempotent by `provider` and `id`; each finding
   * counts once per email, whichever report arrives first. An event for an email CAM did
   * not send resolves `unknown_email` (logged at debug), never an error. The event is
   * stored with its effects before the promise resolves.
   */
  recordDeliveryEvent(event: DeliveryEventInput): Promise<DeliveryEventResult>
  /** Recorded delivery events of an email or a campaign, most recent first; `limit` 1 to 1000 (default 100). */
  listDeliveryEvents(filter: { emailId?: string; campaignId?: string; limit?: number }): Promise<DeliveryEvent[]>
  /**
   * The sending pool's mailboxes (as the workers registered them): state and why it is
   * paused, sent today against today's limit (ramp-up applied), ramp day, counters and
   * rates lifetime and over the last `windowDays` (1 to 365, default 7) — what their
   * health rules see.
   */
  listMailboxes(options?: { windowDays?: number; names?: string[] }): Promise<MailboxMetrics[]>
  /** Pauses a pool mailbox by hand: its new leads go to the other mailboxes, its threads wait. */
  pauseMailbox(name: string, reason?: string): Promise<MailboxState>
  /** Resumes a paused pool mailbox (after fixing its authentication, or once its reputation recovered). */
  resumeMailbox(name: string): Promise<MailboxState>
  /**
   * Processed replies, newest first, optionally of one campaign, one lead or one category (the stored
   * classification's). Page with `before` (the last id of the previous page); `limit` 1 to
   * 1000 (default 50).
   */
  listReplies(filter?: { campaignId?: string; leadId?: string; category?: ReplyCategory; limit?: number; before?: string }): Promise<InboundMessage[]>
  /**
   * A person's correction of a processed reply's category: the reply takes it (confidence 1,
   * the reason naming `actor` and `reason`) and the follow-up policy runs as if the
   * classifier had said it — the lead moves, the sequence stops, an unsubscribe or complaint
   * suppresses, an alert category alerts on the `alertChannels` of the client options —
   * all in one store transaction. Counters of the old category that the lead still shows
   * (positive, negative) are taken back. An override never lifts a suppression.
   * `category`: any category but `bounce` (bounces are read from their reports).
   */
  overrideReplyClassification(messageId: string, input: { category: OverridableCategory; actor: string; reason?: string }): Promise<InboundMessage>
  /**
   * The suppression list in order of addition; `search`: part of an address
   * (case-insensitive, literal); page with `after` (the last address of the previous page);
   * `limit` 1 to 1000 (default 100).
   */
  listSuppressions(filter?: { search?: string; limit?: number; after?: string }): Promise<Suppression[]>
  /**
   * Takes an address off the suppression list (logged with `actor` and `reason`). Leads it
   * already ended stay ended: add the address to a campaign again to write to it.
   */
  removeSuppression(email: string, input: { actor: string; reason: string }): Promise<{ removed: boolean }>
  /** The workers' last heartbeats: host, pid, cycles, leases held, last error. */
  listWorkers(): Promise<WorkerHeartbeat[]>
  /** Deliveries of alerts to their channels (one per alert and channel), optionally of one alert. */
  listAlertDeliveries(filter?: { alertId?: string }): Promise<AlertDelivery[]>
  /** A campaign's counters per UTC day over the last `days` (1 to 365, default 30), oldest first; days without activity are zeros. */
  getCampaignDailyMetrics(campaignId: string, options?: { days?: number }): Promise<CampaignDayCounters[]>
}

function validateCampaign(input: unknown): NewCampaign {
  const parsed = campaignInputSchema.safeParse(input)
  if (!parsed.success) throw new ValidationError('campaign', zodIssues(parsed.error))
  compileCampaignTemplates(parsed.data.steps)
  return parsed.data
}

// The arguments of every method, declared once (see `client-arguments.ts`).
const startArguments = clientArguments('startCampaign', { campaignId: idArgument })
const resumeArguments = clientArguments('resumeCampaign', { campaignId: idArgument })
const completeArguments = clientArguments('completeCampaign', { campaignId: idArgument })
const getCampaignArguments = clientArguments('getCampaign', { campaignId: idArgument })
const pauseArguments = clientArguments('pauseCampaign', { campaignId: idArgument, reason: textArgument(500).optional() })
const listCampaignsArguments = clientArguments('listCampaigns', {
  filter: filterArgument({ statuses: someOf(campaignStatuses, 'campaign status').optional() }).optional(),
})
const addLeadsArguments = clientArguments('addLeads', { campaignId: idArgument, leads: z.array(z.unknown(), { error: 'expected an array of leads' }) })
const getLeadArguments = clientArguments('getLead', { leadId: idArgument })
const listLeadEmailsArguments = clientArguments('listLeadEmails', { leadId: idArgument })
const listLeadsArguments = clientArguments('listLeads', {
  filter: filterArgument({
    campaignId: idArgument.optional(),
    states: someOf(leadStateValues, 'lead state').optional(),
    email: emailArgument.optional(),
    limit: limitArgument.optional(),
    after: idArgument.optional(),
  }).optional(),
})
const metricsArguments = clientArguments('getCampaignMetrics', {
  campaignId: idArgument,
  options: filterArgument({
    windowDays: z
      .number({ error: 'expected an integer from 1 to 365' })
      .int({ message: 'expected an integer from 1 to 365' })
      .min(1, { message: 'expected an integer from 1 to 365' })
      .max(365, { message: 'expected an integer from 1 to 365' })
      .optional(),
  }).optional(),
})
const sourceArgument = textArgument(500)
const suppressArguments = clientArguments('suppress', {
  email: emailArgument,
  reason: oneOf(suppressionReasons, 'suppression reason').default('manual'),
  source: sourceArgument.default('api'),
})
const emailArguments = clientArguments('getSuppression', { email: emailArgument })
const unsubscribeArguments = clientArguments('unsubscribe', {
  target: filterArgument({ email: emailArgument.optional(), leadId: idArgument.optional() }).check((context) => {
    if ((context.value.email === undefined) === (context.value.leadId === undefined)) {
      context.issues.push({ code: 'custom', input: context.value, message: 'expected exactly one of { email } or { leadId }' })
    }
  }),
  source: sourceArgument.default('api'),
})
const listInDoubtArguments = clientArguments('listInDoubtEmails', { campaignId: idArgument.optional() })
const resolveInDoubtArguments = clientArguments('resolveInDoubtEmail', {
  emailId: idArgument,
  resolution: oneOf(inDoubtResolutions, 'resolution'),
})
const listAlertsArguments = clientArguments('listAlerts', {
  filter: filterArgument({
    campaignId: idArgument.optional(),
    limit: limitArgument.optional(),
    newestFirst: z.boolean({ error: 'expected true or false' }).optional(),
    after: idArgument.optional(),
  }).optional(),
})
const listQuarantinedArguments = clientArguments('listQuarantinedMessages', {
  filter: filterArgument({ limit: limitArgument.optional(), after: idArgument.optional() }).optional(),
})
const retryQuarantinedArguments = clientArguments('retryQuarantinedMessage', { messageId: idArgument })
const listDeliveryEventsArguments = clientArguments('listDeliveryEvents', {
  filter: filterArgument({ emailId: idArgument.optional(), campaignId: idArgument.optional(), limit: limitArgument.optional() }),
})
const windowDaysArgument = z
  .number({ error: 'expected an integer from 1 to 365' })
  .int({ message: 'expected an integer from 1 to 365' })
  .min(1, { message: 'expected an integer from 1 to 365' })
  .max(365, { message: 'expected an integer from 1 to 365' })
const listMailboxesArguments = clientArguments('listMailboxes', {
  options: filterArgument({ windowDays: windowDaysArgument.optional(), names: z.array(idArgument, { error: 'expected an array of mailbox names' }).optional() }).optional(),
})
const listRepliesArguments = clientArguments('listReplies', {
  filter: filterArgument({
    campaignId: idArgument.optional(),
    leadId: idArgument.optional(),
    category: oneOf(replyCategories, 'reply category').optional(),
    limit: limitArgument.optional(),
    before: idArgument.optional(),
  }).optional(),
})
const overrideArguments = clientArguments('overrideReplyClassification', {
  messageId: idArgument,
  input: filterArgument({ category: oneOf(overridableCategories, 'category a person may set'), actor: textArgument(200), reason: textArgument(500).optional() }),
})
const listSuppressionsArguments = clientArguments('listSuppressions', {
  filter: filterArgument({ search: textArgument(320).optional(), limit: limitArgument.optional(), after: emailArgument.optional() }).optional(),
})
const removeSuppressionArguments = clientArguments('removeSuppression', {
  email: emailArgument,
  input: filterArgument({ actor: textArgument(200), reason: textArgument(500) }),
})
const listAlertDeliveriesArguments = clientArguments('listAlertDeliveries', { filter: filterArgument({ alertId: idArgument.optional() }).optional() })
const dailyMetricsArguments = clientArguments('getCampaignDailyMetrics', {
  campaignId: idArgument,
  options: filterArgument({ days: windowDaysArgument.optional() }).optional(),
})
const pauseMailboxArguments = clientArguments('pauseMailbox', { name: idArgument, reason: textArgument(500).optional() })
const resumeMailboxArguments = clientArguments('resumeMailbox', { name: idArgument })
const clientOptionsSchema = z.object({
  store: z.custom<StoreV1>((value) => typeof value === 'object' && value !== null, { error: 'expected a Store adapter' }),
  clock: z.custom<Clock>((value) => typeof (value as Partial<Clock> | null)?.now === 'function', { error: 'expected a clock with a now() method' }).optional(),
  unsubscribeSecret: z.string({ error: 'expected a string of at least 16 characters' }).min(16, { message: 'expected a string of at least 16 characters' }).optional(),
  logger: z.custom<Logger>((value) => ['debug', 'info', 'warn', 'error'].every((method) => typeof (value as Record<string, unknown> | null)?.[method] === 'function'), { error: 'expected a logger with debug, info, warn and error methods' }).optional(),
  bounceActions: bounceActionsSchema.optional(),
  alertCategories: z.array(oneOf(replyCategories, 'reply category'), { error: 'expected an array of reply categories' }).optional(),
  alertChannels: z.array(idArgument, { error: 'expected an array of alert channel names' }).optional(),
  outOfOfficeDefaultDays: z.number({ error: 'expected a number of days from 0 to 90' }).min(0, { message: 'expected a number of days from 0 to 90' }).max(90, { message: 'expected a number of days from 0 to 90' }).optional(),
})

/**
 * Creates the management client used by host applications (and the examples):
 *
 * ```ts
 * const client = createCamClient({ store })
 * const campaign = await client.createCampaign({ name: 'Q3 outreach', sender: { email: 'ana@acme.io' }, steps: [...] })
 * await client.addLeads(campaign.id, [{ email: 'bob@example.com', firstName: 'Bob' }])
 * await client.startCampaign(campaign.id)
 * ```
 */
export function createCamClient(options: CamClientOptions): CamClient {
  if (typeof options !== 'object' || options === null) throw new ValidationError('client options', [{ path: 'options', message: 'expected { store, clock?, unsubscribeSecret?, logger?, bounceActions? }' }])
  const checkedOptions = clientOptionsSchema.safeParse(options)
  if (!checkedOptions.success) throw new ValidationError('client options', argumentIssues(checkedOptions.error))
  const store = wrapPort(options.store, 'store', 'STORE_FAILED')
  const clock = options.clock ?? systemClock
  const logger = options.logger ?? silentLogger
  const replyPolicy = {
    alertCategories: options.alertCategories ?? defaultAlertCategories,
    alertChannels: options.alertChannels ?? [],
    outOfOfficeDefaultDays: options.outOfOfficeDefaultDays ?? 7,
  }

  /** The campaign, or `NotFoundError`; `campaignId` is already validated. */
  async function requireCampaign(campaignId: string): Promise<Campaign> {
    const campaign = await store.getCampaign(campaignId)
    if (!campaign) throw new NotFoundError(`campaign ${campaignId} not found`)
    return campaign
  }

  /** `campaignId` is already validated. */
  async function transition(campaignId: string, from: CampaignStatus[], to: CampaignStatus, reason: string | null): Promise<Campaign> {
    const campaign = await requireCampaign(campaignId)
    if (campaign.status === to) return campaign
    const now = clock.now()
    // Kept only when a webhook endpoint subscribes (the worker's configuration registers them).
    const event = to === 'paused' ? campaignStatusEvent('campaign.paused', campaign, reason, now) : to === 'active' && campaign.status === 'paused' ? campaignStatusEvent('campaign.resumed', campaign, reason, now) : null
    const moved = await store.transitionCampaign({ campaignId, from, to, reason, now, ...(event ? { events: [event] } : {}) })
    if (moved) return moved
    const current = await requireCampaign(campaignId)
    throw new ConflictError(`campaign ${campaignId} is ${current.status}; it can become ${to} only from ${from.join(' or ')}`)
  }

  async function checkNurture(nurtureCampaignId: string | null | undefined, selfId?: string): Promise<void> {
    if (!nurtureCampaignId) return
    if (nurtureCampaignId === selfId) throw new ValidationError('campaign', [{ path: 'nurtureCampaignId', message: 'expected another campaign than this one' }])
    if (!(await store.getCampaign(nurtureCampaignId))) throw new ValidationError('campaign', [{ path: 'nurtureCampaignId', message: `expected an existing campaign id, ${nurtureCampaignId} not found` }])
  }

  /** Suppresses a normalised address, or a lead's; arguments are already validated. */
  async function unsubscribeValidated(target: { email?: string | undefined; leadId?: string | undefined }, source: string): Promise<UnsubscribeResult> {
    let email: string
    if (target.leadId !== undefined) {
      const lead = await store.getLead(target.leadId)
      if (!lead) throw new NotFoundError(`lead ${target.leadId} not found`)
      email = lead.emailNormalized
    } else {
      email = target.email!
    }
    const { created } = await store.suppress({ email, reason: 'unsubscribe', source, now: clock.now() })
    return { email, newlySuppressed: created }
  }

  return {
    ...webhookClientMethods(store, clock),
    async createCampaign(input) {
      const campaign = validateCampaign(input)
      await checkNurture(campaign.nurtureCampaignId)
      return store.createCampaign(campaign, clock.now())
    },
    async updateCampaign(campaignId, patch) {
      // Patch fields are named as in `createCampaign` (`dailyCap`, `schedule.endTime`).
      const idIssues = idArgument.safeParse(campaignId).error
      const isObject = typeof patch === 'object' && patch !== null && !Array.isArray(patch)
      const parsedPatch = campaignPatchSchema.safeParse(isObject ? patch : {})
      if (idIssues || !isObject || !parsedPatch.success) {
        throw new ValidationError('campaign patch', [
          ...(idIssues ? argumentIssues(idIssues, 'campaignId') : []),
          ...(isObject ? [] : [{ path: 'patch', message: 'expected an object with the campaign fields to change' }]),
          ...(parsedPatch.error ? zodIssues(parsedPatch.error) : []),
        ])
      }
      const current = await requireCampaign(campaignId)
      const given = Object.fromEntries(Object.entries(patch ?? {}).filter(([, value]) => value !== undefined))
      const merged = validateCampaign({ ...current, ...given })
      await checkNurture(merged.nurtureCampaignId, campaignId)
      const changed = Object.fromEntries(Object.keys(given).map((key) => [key, merged[key as keyof NewCampaign]])) as Partial<NewCampaign>
      return store.updateCampaign(campaignId, changed, clock.now())
    },
    async startCampaign(campaignId) {
      startArguments({ campaignId })
      return transition(campaignId, ['draft', 'paused'], 'active', null)
    },
    async pauseCampaign(campaignId, reason) {
      const parsed = pauseArguments({ campaignId, reason })
      return transition(parsed.campaignId, ['active'], 'paused', parsed.reason ?? 'paused by a human')
    },
    async resumeCampaign(campaignId) {
      resumeArguments({ campaignId })
      return transition(campaignId, ['paused'], 'active', null)
    },
    async completeCampaign(campaignId) {
      completeArguments({ campaignId })
      return transition(campaignId, ['draft', 'active', 'paused'], 'completed', 'completed by a human')
    },
    async getCampaign(campaignId) {
      getCampaignArguments({ campaignId })
      return store.getCampaign(campaignId)
    },
    async listCampaigns(filter) {
      const parsed = listCampaignsArguments({ filter })
      return store.listCampaigns(parsed.filter?.statuses ? { statuses: parsed.filter.statuses } : {})
    },
    async addLeads(campaignId, leads) {
      const parsed = addLeadsArguments({ campaignId, leads })
      return addLeadsToCampaign(store, parsed.campaignId, parsed.leads, clock.now())
    },
    async getLead(leadId) {
      getLeadArguments({ leadId })
      return store.getLead(leadId)
    },
    async listLeads(filter) {
      const parsed = listLeadsArguments({ filter }).filter ?? {}
      const defined = Object.entries(parsed).filter(([, value]) => value !== undefined)
      return store.listLeads(Object.fromEntries(defined) as ListLeadsFilter)
    },
    async listLeadEmails(leadId) {
      listLeadEmailsArguments({ leadId })
      return store.listEmails({ leadId })
    },
    async getCampaignMetrics(campaignId, metricsOptions) {
      const parsed = metricsArguments({ campaignId, options: metricsOptions })
      await requireCampaign(parsed.campaignId)
      const windowDays = parsed.options?.windowDays ?? 7
      const [metrics] = await computeCampaignMetrics(store, [parsed.campaignId], { now: clock.now(), windowDays, withLeadCounts: true })
      return metrics!
    },
    async suppress(email, reason, source) {
      const parsed = suppressArguments({ email, reason, source })
      return store.suppress({ email: parsed.email, reason: parsed.reason, source: parsed.source, now: clock.now() })
    },
    async getSuppression(email) {
      return store.getSuppression(emailArguments({ email }).email)
    },
    async unsubscribe(target, source) {
      const parsed = unsubscribeArguments({ target, source })
      return unsubscribeValidated(parsed.target, parsed.source)
    },
    async handleUnsubscribe(token) {
      if (!options.unsubscribeSecret) throw new ValidationError('client options', [{ path: 'unsubscribeSecret', message: 'expected the unsubscribe secret to verify tokens' }])
      // A bad token (not a string, malformed, forged) is `UNSUBSCRIBE_TOKEN_INVALID`: it comes from a link, not from code.
      const payload = verifyUnsubscribeToken(token, options.unsubscribeSecret)
      const lead = await store.getLead(payload.leadId)
      return unsubscribeValidated({ email: lead?.emailNormalized ?? normalizeEmail(payload.email) }, `one-click unsubscribe (lead ${payload.leadId})`)
    },
    async listQuarantinedMessages(filter) {
      const parsed = listQuarantinedArguments({ filter }).filter ?? {}
      return store.listInboundMessages({ status: 'quarantined', limit: parsed.limit ?? 100, ...(parsed.after !== undefined ? { after: parsed.after } : {}) })
    },
    async retryQuarantinedMessage(messageId) {
      retryQuarantinedArguments({ messageId })
      return store.retryQuarantinedMessage({ messageId, now: clock.now() })
    },
    async listInDoubtEmails(campaignId) {
      const parsed = listInDoubtArguments({ campaignId })
      return store.listEmails({ ...(parsed.campaignId !== undefined ? { campaignId: parsed.campaignId } : {}), statuses: ['in_doubt'] })
    },
    async resolveInDoubtEmail(emailId, resolution) {
      resolveInDoubtArguments({ emailId, resolution })
      const now = clock.now()
      if (resolution === 'resend' || resolution === 'cancel') return store.resolveInDoubtEmail({ emailId, resolution, now })
      const email = await store.getEmail(emailId)
      if (!email) throw new NotFoundError(`outbound email ${emailId} not found`)
      const lead = await store.getLead(email.leadId)
      const campaign = await store.getCampaign(email.campaignId)
      if (!lead || !campaign) throw new NotFoundError(`lead or campaign of outbound email ${emailId} not found`)
      // It went out while it was in flight: the last time the store saw it then is the closest known send time.
      const sentAt = email.updatedAt
      const { progress, next } = progressAfterSend(
        campaign,
        lead,
        { stepIndex: email.stepIndex, messageId: email.messageId, providerMessageId: null, references: email.references, subject: email.subject ?? lead.threadSubject ?? '' },
        sentAt,
      )
      const events = [emailSentEvent({ email, to: lead.email, messageId: email.providerMessageId ?? email.messageId, providerId: email.providerId, mailbox: email.mailbox, now })]
      return store.resolveInDoubtEmail({ emailId, resolution: 'sent', now, lead: progress, next, events })
    },
    async recordDeliveryEvent(event) {
      return recordDeliveryEvent(store, logger, event, clock.now(), options.bounceActions)
    },
    async listDeliveryEvents(filter) {
      const parsed = listDeliveryEventsArguments({ filter }).filter
      return store.listDeliveryEvents(Object.fromEntries(Object.entries(parsed).filter(([, value]) => value !== undefined)))
    },
    async listMailboxes(mailboxOptions) {
      const parsed = listMailboxesArguments({ options: mailboxOptions }).options ?? {}
      return computeMailboxMetrics(store, clock.now(), { windowDays: parsed.windowDays ?? 7, ...(parsed.names ? { names: parsed.names } : {}) })
    },
    async pauseMailbox(name, reason) {
      const parsed = pauseMailboxArguments({ name, reason })
      const moved = await store.transitionMailbox({ name: parsed.name, from: ['active', 'paused'], to: 'paused', reason: parsed.reason ?? 'paused by a human', now: clock.now() })
      return moved!
    },
    async resumeMailbox(name) {
      resumeMailboxArguments({ name })
      const moved = await store.transitionMailbox({ name, from: ['paused', 'active'], to: 'active', reason: null, now: clock.now() })
      return moved!
    },
    async listAlerts(filter) {
      const parsed = listAlertsArguments({ filter }).filter ?? {}
      return store.listAlerts({
        ...(parsed.campaignId !== undefined ? { campaignId: parsed.campaignId } : {}),
        ...(parsed.limit !== undefined ? { limit: parsed.limit } : {}),
        ...(parsed.newestFirst ? { order: 'newest_first' as const } : {}),
        ...(parsed.after !== undefined ? { after: parsed.after } : {}),
      })
    },
    async listReplies(filter) {
      const parsed = listRepliesArguments({ filter }).filter ?? {}
      return store.listInboundMessages({
        status: 'processed',
        order: 'newest_first',
        limit: parsed.limit ?? 50,
        ...(parsed.campaignId !== undefined ? { campaignId: parsed.campaignId } : {}),
        ...(parsed.leadId !== undefined ? { leadId: parsed.leadId } : {}),
        ...(parsed.category !== undefined ? { category: parsed.category } : {}),
        ...(parsed.before !== undefined ? { after: parsed.before } : {}),
      })
    },
    async overrideReplyClassification(messageId, input) {
      const parsed = overrideArguments({ messageId, input })
      return overrideReplyClassification(store, logger, replyPolicy, clock.now(), { messageId: parsed.messageId, ...parsed.input })
    },
    async listSuppressions(filter) {
      const parsed = listSuppressionsArguments({ filter }).filter ?? {}
      return store.listSuppressions({ limit: parsed.limit ?? 100, ...(parsed.search !== undefined ? { search: parsed.search } : {}), ...(parsed.after !== undefined ? { after: parsed.after } : {}) })
    },
    async removeSuppression(email, input) {
      const parsed = removeSuppressionArguments({ email, input })
      const removed = await store.removeSuppression({ email: parsed.email, now: clock.now() })
      if (removed) logger.info('suppression removed', { email: parsed.email, actor: parsed.input.actor, reason: parsed.input.reason, was: removed.reason })
      return { removed: removed !== null }
    },
    async listWorkers() {
      return store.listHeartbeats()
    },
    async listAlertDeliveries(filter) {
      const parsed = listAlertDeliveriesArguments({ filter }).filter ?? {}
      return store.listAlertDeliveries(parsed.alertId !== undefined ? { alertId: parsed.alertId } : {})
    },
    async getCampaignDailyMetrics(campaignId, dailyOptions) {
      const parsed = dailyMetricsArguments({ campaignId, options: dailyOptions })
      await requireCampaign(parsed.campaignId)
      const days = parsed.options?.days ?? 30
      const now = clock.now()
      const dayKeys = Array.from({ length: days }, (_, index) => utcDayKeyDaysBefore(now, days - 1 - index))
      const stored = new Map((await store.getCampaignDailyCounters({ campaignId: parsed.campaignId, sinceDay: dayKeys[0]! })).map((entry) => [entry.day, entry.counts]))
      return dayKeys.map((day) => ({ day, counts: stored.get(day) ?? emptyMetricCounts() }))
    },
  }
}
