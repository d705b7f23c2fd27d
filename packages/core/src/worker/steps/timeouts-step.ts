import type { Campaign } from '../../domain/campaign.js'
import { addLeadsToCampaign } from '../../sequence/enroll-leads.js'
import type { WorkerStep } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'
import { leadStateChangedEvent } from '../../policy/cam-event-builders.js'
import { subscribedEvents, wantsEvent } from '../subscribed-events.js'

/** Leads timed out per cycle at most (the rest in the next cycles, oldest deadline first). */
const leadsPerCycle = 1000

/**
 * Step 4 — timeouts: leads whose sequence ended `noReplyTimeoutDays` ago without a
 * reply move to `no_reply`, and into the nurture campaign when one is set (added
 * first, so a crash in between cannot lose the lead; adding twice is a no-op).
 */
export function createTimeoutsStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'timeouts',
    leader: true,
    async run(context) {
      const counts = { timedOut: 0, nurtured: 0 }
      const campaigns = new Map<string, Campaign | null>()
      const leads = await context.store.listLeadsPastReplyDeadline({ now: context.now, limit: leadsPerCycle })
      for (const lead of leads) {
        if (context.signal.aborted) break
        if (!campaigns.has(lead.campaignId)) campaigns.set(lead.campaignId, await context.store.getCampaign(lead.campaignId))
        const campaign = campaigns.get(lead.campaignId)
        const days = campaign?.noReplyTimeoutDays ?? 0
        if (campaign?.nurtureCampaignId) {
          const report = await addLeadsToCampaign(
            context.store,
            campaign.nurtureCampaignId,
            [{ email: lead.email, firstName: lead.firstName ?? undefined, lastName: lead.lastName ?? undefined, company: lead.company ?? undefined, timezone: lead.timezone ?? undefined, variables: lead.variables }],
            context.now,
          )
          if (report.added > 0) counts.nurtured++
          if (report.invalid > 0) runtime.logger.warn('lead could not join the nurture campaign', { leadId: lead.id, nurtureCampaignId: campaign.nurtureCampaignId, issues: report.invalidLeads[0]?.issues.map((i) => `${i.path}: ${i.message}`) })
        }
        const reason = `no reply within ${days} days after the last step`
        const transition = { from: lead.state, to: 'no_reply' as const, reason }
        const events = wantsEvent(runtime, 'lead.state_changed') ? subscribedEvents(runtime, [leadStateChangedEvent({ lead, transition, now: context.now })]) : {}
        const moved = await context.store.transitionLead({ leadId: lead.id, ...transition, now: context.now, cancelPendingEmails: true, replyDeadlineAt: null, ...events })
        if (moved) {
          counts.timedOut++
          runtime.emit('lead:transitioned', { leadId: lead.id, campaignId: lead.campaignId, from: lead.state, to: 'no_reply', reason })
        }
      }
      return counts
    },
  }
}
