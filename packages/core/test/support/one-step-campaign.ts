import { createCamClient, type CamClient } from '../../src/index.js'
import { createManualClock, createMemoryStore, type ManualClock, type MemoryStore } from '../../src/testing/index.js'

/** Every day, all day (UTC). */
export const anytime = { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7] as Array<1 | 2 | 3 | 4 | 5 | 6 | 7>, startTime: '00:00', endTime: '24:00' }

/**
 * A memory store on a manual clock holding one started campaign of a single step, with
 * `leads` leads `p0@prospect.example`, `p1@…` due at once — the setup of the worker tests.
 */
export async function startOneStepCampaign(name: string, leads: number): Promise<{ clock: ManualClock; store: MemoryStore; client: CamClient; campaignId: string; leadEmails: string[] }> {
  const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
  const store = createMemoryStore({ clock })
  const client = createCamClient({ store, clock })
  const campaign = await client.createCampaign({
    name,
    sender: { email: 'ana@sender.example' },
    steps: [{ subject: 'Hello', text: 'Hi', delayDays: 0 }],
    schedule: anytime,
    dailyCap: 1000,
    rules: [],
  })
  const { addedLeads } = await client.addLeads(campaign.id, Array.from({ length: leads }, (_, i) => ({ email: `p${i}@prospect.example`, firstName: `P${i}` })))
  await client.startCampaign(campaign.id)
  return { clock, store, client, campaignId: campaign.id, leadEmails: addedLeads.map((lead) => lead.email) }
}
