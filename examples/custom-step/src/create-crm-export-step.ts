import type { Lead, WorkerStep } from '@cam/core'

/** Options of {@link createCrmExportStep}. */
export interface CrmExportStepOptions {
  /** The CRM's "upsert contact" endpoint. */
  url: string
  /** Bearer token for the CRM (a secret: never logged). */
  token?: string
  /** Leads per page (default 200). */
  pageSize?: number
}

/** The contact the CRM receives. */
export interface CrmContact {
  externalId: string
  email: string
  firstName: string | null
  lastName: string | null
  company: string | null
  campaignId: string
  reason: string | null
}

function toContact(lead: Lead): CrmContact {
  return { externalId: lead.id, email: lead.email, firstName: lead.firstName, lastName: lead.lastName, company: lead.company, campaignId: lead.campaignId, reason: lead.stateReason }
}

/**
 * A custom worker step: exports every `interested` lead to a CRM webhook. Added to the
 * pipeline with the `steps` hook; runs on the leader only (one export at a time).
 *
 * Exactly-once in practice: each POST carries the lead id as `Idempotency-Key` and the
 * CRM upserts by `externalId`, so a repeat after a restart changes nothing; within a
 * process, exported leads are remembered and not posted again. A CRM outage fails the
 * step (reported as `step:error`); the next cycle retries.
 */
export function createCrmExportStep(options: CrmExportStepOptions): WorkerStep {
  const exported = new Set<string>()
  const pageSize = options.pageSize ?? 200
  return {
    name: 'crm-export',
    leader: true,
    async run(context) {
      const counts = { exported: 0, alreadyExported: 0 }
      let after: string | undefined
      for (;;) {
        const page = await context.store.listLeads({ states: ['interested'], limit: pageSize, ...(after ? { after } : {}) })
        for (const lead of page) {
          if (exported.has(lead.id)) {
            counts.alreadyExported++
            continue
          }
          const response = await fetch(options.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': `cam-lead-${lead.id}`,
              ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
            },
            body: JSON.stringify(toContact(lead)),
            signal: AbortSignal.timeout(10_000),
          })
          if (!response.ok) throw new Error(`CRM answered HTTP ${response.status} for lead ${lead.id}`)
          exported.add(lead.id)
          counts.exported++
        }
        if (page.length < pageSize) break
        after = page[page.length - 1]!.id
      }
      return counts
    },
  }
}
