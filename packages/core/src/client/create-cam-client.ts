import type { Alert } from '../domain/alert.js'
import {
  campaignInputSchema,
  campaignPatchSchema,
  type Campaign,
  type CampaignInput,
  type CampaignPatch,
  type CampaignStatus,
  type NewCampaign,
} from '../domain/campaign.js'
import { isEmailAddress, normalizeEmail } from '../domain/email-address.js'
import type { Lead, LeadState } from '../domain/lead.js'
import type { CampaignMetrics } from '../domain/metrics.js'
import type { OutboundEmail } from '../domain/outbound-email.js'
import type { Suppression, SuppressionReason } from '../domain/suppression.js'
import { ConflictError, NotFoundError } from '../errors/adapter-error.js'
import { ValidationError } from '../errors/validation-error.js'
import { computeCampaignMetrics } from '../metrics/compute-campaign-metrics.js'
import type { InDoubtResolution, ListLeadsFilter, StoreV1 } from '../ports/store-v1.js'
import { nextEmailDraft } from '../schedule/outbound-email-draft.js'
import { compileCampaignTemplates } from '../templates/campaign-templates.js'
import { verifyUnsubscribeToken } from '../unsubscribe/unsubscribe-token.js'
import { systemClock, type Clock } from '../util/clock.js'
import { zodIssues } from '../util/zod-issues.js'
import { wrapPort } from '../worker/wrap-port.js'
import { addLeadsToCampaign, type AddLeadsReport } from './add-leads.js'

/** Options of {@link createCamClient}. */
export interface CamClientOptions {
  store: StoreV1
  clock?: Clock
  /** Secret of the unsubscribe tokens (the worker's `config.unsubscribe.secret`), needed by `handleUnsubscribe`. */
  unsubscribeSecret?: string
}

/** Result of an unsubscribe. */
export interface UnsubscribeResult {
  /** Normalised address now suppressed. */
  email: string
  /** False when the address was already on the suppression list. */
  newlySuppressed: boolean
}

/** Manages campaigns, leads and suppressions. All methods validate input and name the offending field. */
export interface CamClient {
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
  listCampaigns(filter?: { statuses?: CampaignStatus[] }): Promise<Campaign[]>
  /**
   * Adds leads: dedupes by address within the campaign, skips suppressed addresses,
   * rejects leads lacking a required template variable; reports every count.
   */
  addLeads(campaignId: string, leads: readonly unknown[]): Promise<AddLeadsReport>
  getLead(leadId: string): Promise<Lead | null>
  listLeads(filter: ListLeadsFilter): Promise<Lead[]>
  /** The emails of a lead (all steps, any status). */
  listLeadEmails(leadId: string): Promise<OutboundEmail[]>
  /** Counts, rates (lifetime and the last `windowDays` days) and leads per state. */
  getCampaignMetrics(campaignId: string, options?: { windowDays?: number }): Promise<CampaignMetrics>
  /** Puts an address on the suppression list: no campaign will email it again. */
  suppress(email: string, reason?: SuppressionReason, source?: string): Promise<{ created: boolean }>
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
  listAlerts(filter?: { campaignId?: string; limit?: number }): Promise<Alert[]>
}

function validateCampaign(input: unknown): NewCampaign {
  const parsed = campaignInputSchema.safeParse(input)
  if (!parsed.success) throw new ValidationError('campaign', zodIssues(parsed.error))
  compileCampaignTemplates(parsed.data.steps)
  return parsed.data
}

function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new ValidationError('argument', [{ path: field, message: 'expected a non-empty id string' }])
  return value
}

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
  if (!options?.store) throw new ValidationError('client options', [{ path: 'store', message: 'expected a Store adapter' }])
  const store = wrapPort(options.store, 'store', 'STORE_FAILED')
  const clock = options.clock ?? systemClock

  async function requireCampaign(campaignId: string): Promise<Campaign> {
    const campaign = await store.getCampaign(requireId(campaignId, 'campaignId'))
    if (!campaign) throw new NotFoundError(`campaign ${campaignId} not found`)
    return campaign
  }

  async function transition(campaignId: string, from: CampaignStatus[], to: CampaignStatus, reason: string | null): Promise<Campaign> {
    const campaign = await requireCampaign(campaignId)
    if (campaign.status === to) return campaign
    const moved = await store.transitionCampaign({ campaignId, from, to, reason, now: clock.now() })
    if (moved) return moved
    const current = await requireCampaign(campaignId)
    throw new ConflictError(`campaign ${campaignId} is ${current.status}; it can become ${to} only from ${from.join(' or ')}`)
  }

  async function checkNurture(nurtureCampaignId: string | null | undefined, selfId?: string): Promise<void> {
    if (!nurtureCampaignId) return
    if (nurtureCampaignId === selfId) throw new ValidationError('campaign', [{ path: 'nurtureCampaignId', message: 'expected another campaign than this one' }])
    if (!(await store.getCampaign(nurtureCampaignId))) throw new ValidationError('campaign', [{ path: 'nurtureCampaignId', message: `expected an existing campaign id, ${nurtureCampaignId} not found` }])
  }

  async function unsubscribe(target: { email: string } | { leadId: string }, source = 'api'): Promise<UnsubscribeResult> {
    let email: string
    if ('leadId' in target) {
      const lead = await store.getLead(requireId(target.leadId, 'leadId'))
      if (!lead) throw new NotFoundError(`lead ${target.leadId} not found`)
      email = lead.emailNormalized
    } else {
      if (typeof target?.email !== 'string' || !isEmailAddress(target.email)) throw new ValidationError('unsubscribe', [{ path: 'email', message: 'expected an email address like name@example.com' }])
      email = normalizeEmail(target.email)
    }
    const { created } = await store.suppress({ email, reason: 'unsubscribe', source, now: clock.now() })
    return { email, newlySuppressed: created }
  }

  return {
    async createCampaign(input) {
      const campaign = validateCampaign(input)
      await checkNurture(campaign.nurtureCampaignId)
      return store.createCampaign(campaign, clock.now())
    },
    async updateCampaign(campaignId, patch) {
      const current = await requireCampaign(campaignId)
      const parsedPatch = campaignPatchSchema.safeParse(patch)
      if (!parsedPatch.success) throw new ValidationError('campaign patch', zodIssues(parsedPatch.error))
      const given = Object.fromEntries(Object.entries(patch ?? {}).filter(([, value]) => value !== undefined))
      const merged = validateCampaign({ ...current, ...given })
      await checkNurture(merged.nurtureCampaignId, campaignId)
      const changed = Object.fromEntries(Object.keys(given).map((key) => [key, merged[key as keyof NewCampaign]])) as Partial<NewCampaign>
      return store.updateCampaign(campaignId, changed, clock.now())
    },
    startCampaign: (campaignId) => transition(campaignId, ['draft', 'paused'], 'active', null),
    pauseCampaign: (campaignId, reason) => transition(campaignId, ['active'], 'paused', reason ?? 'paused by a human'),
    resumeCampaign: (campaignId) => transition(campaignId, ['paused'], 'active', null),
    completeCampaign: (campaignId) => transition(campaignId, ['draft', 'active', 'paused'], 'completed', 'completed by a human'),
    getCampaign: (campaignId) => store.getCampaign(requireId(campaignId, 'campaignId')),
    listCampaigns: (filter) => store.listCampaigns(filter),
    async addLeads(campaignId, leads) {
      if (!Array.isArray(leads)) throw new ValidationError('leads', [{ path: 'leads', message: 'expected an array of leads' }])
      return addLeadsToCampaign(store, requireId(campaignId, 'campaignId'), leads, clock.now())
    },
    getLead: (leadId) => store.getLead(requireId(leadId, 'leadId')),
    listLeads: (filter) => store.listLeads(filter),
    listLeadEmails: (leadId) => store.listEmails({ leadId: requireId(leadId, 'leadId') }),
    async getCampaignMetrics(campaignId, metricsOptions = {}) {
      await requireCampaign(campaignId)
      const windowDays = metricsOptions.windowDays ?? 7
      if (!Number.isInteger(windowDays) || windowDays < 1) throw new ValidationError('metrics options', [{ path: 'windowDays', message: 'expected a positive integer' }])
      const [metrics] = await computeCampaignMetrics(store, [campaignId], { now: clock.now(), windowDays, withLeadCounts: true })
      return metrics!
    },
    async suppress(email, reason = 'manual', source = 'api') {
      if (typeof email !== 'string' || !isEmailAddress(email)) throw new ValidationError('suppression', [{ path: 'email', message: 'expected an email address like name@example.com' }])
      const reasons: SuppressionReason[] = ['unsubscribe', 'hard_bounce', 'complaint', 'manual']
      if (!reasons.includes(reason)) throw new ValidationError('suppression', [{ path: 'reason', message: `expected one of ${reasons.join(', ')}` }])
      return store.suppress({ email: normalizeEmail(email), reason, source, now: clock.now() })
    },
    getSuppression: (email) => store.getSuppression(normalizeEmail(email)),
    unsubscribe,
    async handleUnsubscribe(token) {
      if (!options.unsubscribeSecret) throw new ValidationError('client options', [{ path: 'unsubscribeSecret', message: 'expected the unsubscribe secret to verify tokens' }])
      const payload = verifyUnsubscribeToken(token, options.unsubscribeSecret)
      const lead = await store.getLead(payload.leadId)
      return unsubscribe({ email: lead?.emailNormalized ?? payload.email }, `one-click unsubscribe (lead ${payload.leadId})`)
    },
    listInDoubtEmails: (campaignId) => store.listEmails({ ...(campaignId ? { campaignId } : {}), statuses: ['in_doubt'] }),
    async resolveInDoubtEmail(emailId, resolution) {
      const now = clock.now()
      if (resolution === 'resend' || resolution === 'cancel') return store.resolveInDoubtEmail({ emailId, resolution, now })
      if (resolution !== 'sent') throw new ValidationError('resolution', [{ path: 'resolution', message: 'expected "sent", "resend" or "cancel"' }])
      const email = await store.getEmail(requireId(emailId, 'emailId'))
      if (!email) throw new NotFoundError(`outbound email ${emailId} not found`)
      const lead = await store.getLead(email.leadId)
      const campaign = await store.getCampaign(email.campaignId)
      if (!lead || !campaign) throw new NotFoundError(`lead or campaign of outbound email ${emailId} not found`)
      const sentAt = email.updatedAt
      const next = nextEmailDraft(campaign, lead.timezone, { stepIndex: email.stepIndex, messageId: email.messageId, providerMessageId: null, references: email.references }, now)
      const state: LeadState = next ? 'active' : 'completed'
      return store.resolveInDoubtEmail({
        emailId,
        resolution: 'sent',
        now,
        lead: {
          state,
          nextStepIndex: email.stepIndex + 1,
          lastSentAt: sentAt,
          replyDeadlineAt: next ? null : new Date(now.getTime() + campaign.noReplyTimeoutDays * 86_400_000),
          threadSubject: lead.threadSubject ?? email.subject,
        },
        next,
      })
    },
    listAlerts: (filter) => store.listAlerts(filter),
  }
}
