import { describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker, type CamEventPayloads } from '../src/index.js'
import { createManualClock, createMemorySender, createMemoryStore } from '../src/testing/index.js'

describe('worker with a hostile template (memory adapters)', () => {
  it('marks the emails that blow a template limit failed with the reason, sends the rest and keeps running', async () => {
    const clock = createManualClock(new Date('2026-03-02T10:00:00Z')) // a Monday, inside the default window
    const store = createMemoryStore({ clock })
    const sender = createMemorySender()
    const client = createCamClient({ store, clock })
    // Passes creation: with no lead data both loops are empty. The leads' variables decide the size.
    const campaign = await client.createCampaign({
      name: 'Hostile',
      sender: { email: 'ana@sender.example', name: 'Ana' },
      steps: [
        {
          subject: 'Hi {{ firstName }}',
          text:
            'Hi {{ firstName }}{% for i in (1..n) %}!{% endfor %}' +
            '{% assign list = items | split: "," %}{% for a in list %}{% for b in list %}{% for c in list %}{% endfor %}{% endfor %}{% endfor %}',
          delayDays: 0,
        },
      ],
    })
    const report = await client.addLeads(campaign.id, [
      { email: 'range@prospect.example', firstName: 'Range', variables: { n: '1000000000' } },
      { email: 'loops@prospect.example', firstName: 'Loops', variables: { items: Array.from({ length: 1000 }, (_, i) => i).join(',') } },
      { email: 'normal@prospect.example', firstName: 'Normal', variables: { n: '3', items: 'a,b' } },
    ])
    expect(report.added).toBe(3)
    const [range, loops, normal] = report.addedLeads
    await client.startCampaign(campaign.id)

    const worker = createCamWorker({ store, sender, clock, config: { stopOnSignals: false, intervalMs: 60 * 60_000 } })
    const failed: Array<CamEventPayloads['email:failed']> = []
    const stepErrors: unknown[] = []
    const cycles: number[] = []
    worker.on('email:failed', (e) => void failed.push(e))
    worker.on('step:error', (e) => void stepErrors.push(e.error))
    worker.on('cycle:end', (e) => void cycles.push(e.cycle))
    const running = worker.start()
    await expect.poll(() => cycles.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(1)

    expect(sender.sent.map((s) => [s.email.to.email, s.email.text])).toEqual([['normal@prospect.example', 'Hi Normal!!!']])
    const byLead = new Map((await store.listEmails({ campaignId: campaign.id })).map((email) => [email.leadId, email]))
    expect(byLead.get(range!.id)).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/steps\.0\.text: template exceeded the render memory limit/) })
    // Out of time: retried later (a stalled process runs out of time too), until maxSendAttempts.
    expect(byLead.get(loops!.id)).toMatchObject({ status: 'queued', lastError: expect.stringMatching(/steps\.0\.text: template exceeded the render time limit/) })
    expect(byLead.get(normal!.id)?.status).toBe('sent')
    // Over the memory limit: permanent, recorded once, never retried.
    expect(failed.map((e) => [e.leadId, e.permanent])).toEqual(
      expect.arrayContaining([
        [range!.id, true],
        [loops!.id, false],
      ]),
    )
    expect(failed).toHaveLength(2)
    expect((await client.getLead(range!.id))?.state).toBe('failed')
    expect((await client.getLead(loops!.id))?.state).toBe('queued')
    expect(stepErrors).toEqual([])

    // The worker is alive and keeps cycling.
    expect(worker.running).toBe(true)
    worker.wake()
    await expect.poll(() => cycles.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(2)
    expect(failed).toHaveLength(2)
    await worker.stop()
    await running
  })
})
