import { describe, expect, it } from 'vitest'
import { createCamClient, createCamWorker } from '@cam/core'
import { createManualClock, createMemoryInbox, createMemorySender, createMemoryStore } from '@cam/core/testing'
import { createCrmExportStep } from '../src/create-crm-export-step.js'
import { startCrmServer } from './crm-server.js'

describe('custom step: export interested leads to a CRM', () => {
  it('exports each interested lead once, after a CRM outage, and only on the leader', async () => {
    const crm = await startCrmServer()
    try {
      const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
      const store = createMemoryStore({ clock })
      const client = createCamClient({ store, clock })
      const campaign = await client.createCampaign({
        name: 'CRM demo',
        sender: { email: 'ana@sender.example' },
        steps: [{ subject: 'Hello', text: 'Hi {{ firstName }}', delayDays: 0 }],
        schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
      })
      const { addedLeads } = await client.addLeads(campaign.id, [
        { email: 'yes@prospect.example', firstName: 'Yes', company: 'Yes Inc' },
        { email: 'no@prospect.example', firstName: 'No' },
      ])
      await client.startCampaign(campaign.id)
      const inbox = createMemoryInbox()
      const sender = createMemorySender()
      const makeWorker = (workerId: string) =>
        createCamWorker({
          store,
          inbox,
          sender,
          clock,
          config: { workerId, stopOnSignals: false },
          hooks: { steps: (defaults) => [...defaults, createCrmExportStep({ url: crm.url, token: 'crm-secret' })] },
        })
      const leader = makeWorker('leader')
      const follower = makeWorker('follower')
      expect(leader.steps.at(-1)).toBe('crm-export')
      await leader.runOnce()
      const messageId = (address: string) => sender.sent.find((s) => s.email.to.email === address)!.email.messageId
      inbox.deliver(`From: yes@prospect.example\r\nSubject: Re: Hello\r\nMessage-ID: <y1@prospect.example>\r\nIn-Reply-To: ${messageId('yes@prospect.example')}\r\n\r\nYes, I'm interested. Let's schedule a demo.\r\n`)
      inbox.deliver(`From: no@prospect.example\r\nSubject: Re: Hello\r\nMessage-ID: <n1@prospect.example>\r\nIn-Reply-To: ${messageId('no@prospect.example')}\r\n\r\nNo thanks, we are not interested.\r\n`)
      crm.setDown(true)
      const failed = await leader.runOnce()
      expect(failed.steps.find((s) => s.name === 'crm-export')).toMatchObject({ status: 'error' })
      crm.setDown(false)
      const report = await leader.runOnce()
      expect(report.steps.find((s) => s.name === 'crm-export')?.counts).toEqual({ exported: 1, alreadyExported: 0 })
      const followerReport = await follower.runOnce()
      expect(followerReport.steps.find((s) => s.name === 'crm-export')?.status).toBe('skipped')
      await leader.runOnce()
      expect([...crm.contacts.keys()]).toEqual([addedLeads[0]!.id])
      expect(crm.contacts.get(addedLeads[0]!.id)).toMatchObject({ email: 'yes@prospect.example', company: 'Yes Inc' })
      const successful = crm.requests.filter((r) => r.idempotencyKey === `cam-lead-${addedLeads[0]!.id}`)
      expect(successful).toHaveLength(2) // one failed during the outage, one delivered
      expect(crm.requests.every((r) => r.authorization === 'Bearer crm-secret')).toBe(true)
    } finally {
      await crm.close()
    }
  })
})
