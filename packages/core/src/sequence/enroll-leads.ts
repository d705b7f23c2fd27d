import type { Lead, NewLead } from '../domain/lead.js'
import { leadInputSchema } from '../domain/lead.js'
import { normalizeEmail } from '../domain/email-address.js'
import { NotFoundError } from '../errors/adapter-error.js'
import type { ValidationIssue } from '../errors/validation-error.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { firstEmailDraft } from './outbound-email-draft.js'
import { compileCampaignTemplates, missingTemplateVariables, templateContext } from '../templates/campaign-templates.js'
import { zodIssues } from '../util/zod-issues.js'

/** A lead that was not added because its data is invalid. */
export interface InvalidLead {
  /** Position in the input array. */
  index: number
  /** The address as given, when readable. */
  email: string | null
  /** Every problem, each naming the field (`email`, `timezone`, a template variable…). */
  issues: ValidationIssue[]
}

/** What `addLeads` did. */
export interface AddLeadsReport {
  added: number
  duplicate: number
  suppressed: number
  invalid: number
  /** The leads created. */
  addedLeads: Lead[]
  /** Normalised addresses already in the campaign or repeated in the input. */
  duplicateEmails: string[]
  /** Normalised addresses on the suppression list. */
  suppressedEmails: string[]
  invalidLeads: InvalidLead[]
}

/**
 * Validates leads (address, timezone, every template variable a step requires) and
 * adds the valid ones with their first email, in one store call. Invalid leads are
 * reported, never stored half-way; duplicates and suppressed addresses are skipped.
 */
export async function addLeadsToCampaign(store: StoreV1, campaignId: string, inputs: readonly unknown[], now: Date): Promise<AddLeadsReport> {
  const campaign = await store.getCampaign(campaignId)
  if (!campaign) throw new NotFoundError(`campaign ${campaignId} not found`)
  const compiled = compileCampaignTemplates(campaign.steps)
  const invalidLeads: InvalidLead[] = []
  const seen = new Set<string>()
  const duplicateEmails: string[] = []
  const drafts: Array<{ lead: NewLead; firstEmail: ReturnType<typeof firstEmailDraft> }> = []
  inputs.forEach((input, index) => {
    const parsed = leadInputSchema.safeParse(input)
    const rawEmail = typeof (input as { email?: unknown } | null)?.email === 'string' ? (input as { email: string }).email : null
    if (!parsed.success) {
      invalidLeads.push({ index, email: rawEmail, issues: zodIssues(parsed.error) })
      return
    }
    const lead: NewLead = {
      email: parsed.data.email,
      emailNormalized: normalizeEmail(parsed.data.email),
      firstName: parsed.data.firstName || null,
      lastName: parsed.data.lastName || null,
      company: parsed.data.company || null,
      variables: parsed.data.variables ?? {},
      timezone: parsed.data.timezone ?? null,
    }
    const missing = missingTemplateVariables(compiled, templateContext(lead, campaign))
    if (missing.length > 0) {
      invalidLeads.push({
        index,
        email: lead.email,
        issues: missing.map((m) => ({ path: m.variable, message: `template variable "${m.variable}" (used in ${m.usedIn}) is missing and has no default` })),
      })
      return
    }
    if (seen.has(lead.emailNormalized)) {
      duplicateEmails.push(lead.emailNormalized)
      return
    }
    seen.add(lead.emailNormalized)
    drafts.push({ lead, firstEmail: firstEmailDraft(campaign, lead.timezone, now) })
  })
  const result = drafts.length > 0 ? await store.addLeads({ campaignId, leads: drafts, now }) : { added: [], duplicates: [], suppressed: [] }
  duplicateEmails.push(...result.duplicates)
  return {
    added: result.added.length,
    duplicate: duplicateEmails.length,
    suppressed: result.suppressed.length,
    invalid: invalidLeads.length,
    addedLeads: result.added,
    duplicateEmails,
    suppressedEmails: result.suppressed,
    invalidLeads,
  }
}
