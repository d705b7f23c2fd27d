import { describe, expect, it } from 'vitest'
import { CamError, ValidationError, createCamClient, createCamWorker, createUnsubscribeToken, loadConfigFromEnv, env } from '../src/index.js'
import { createManualClock, createMemorySender, createMemoryStore } from '../src/testing/index.js'

const validCampaign = {
  name: 'Client test',
  sender: { email: 'ana@sender.example', name: 'Ana' },
  steps: [{ subject: 'Hi {{ firstName }}', text: 'Hello {{ firstName }} at {{ company | default: "your company" }}. {% if role %}As {{ role }}…{% endif %}', delayDays: 0 }],
}

describe('management client', () => {
  it('rejects an invalid campaign with every problem named', async () => {
    const client = createCamClient({ store: createMemoryStore() })
    const error = await client
      .createCampaign({
        name: '',
        sender: { email: 'not-an-address' },
        steps: [{ text: 'x', delayDays: -1 }],
        schedule: { timezone: 'Mars/Olympus', weekdays: [8], startTime: '25:00', endTime: '09:00' },
        dailyCap: 0,
      })
      .catch((e: unknown) => e)
    expect(ValidationError.isInstance(error)).toBe(true)
    const paths = (error as ValidationError).issues.map((i) => i.path)
    for (const path of ['name', 'sender.email', 'steps.0.delayDays', 'steps.0.subject', 'schedule.timezone', 'schedule.weekdays.0', 'schedule.startTime', 'dailyCap']) {
      expect(paths).toContain(path)
    }
  })

  it('rejects templates that do not parse, naming the step and field', async () => {
    const client = createCamClient({ store: createMemoryStore() })
    const error = await client
      .createCampaign({ ...validCampaign, steps: [{ subject: 'Hi {{ firstName', text: 'ok', delayDays: 0 }, { text: '{{ x | nosuchfilter }}', delayDays: 1 }] })
      .catch((e: unknown) => e)
    expect(CamError.isInstance(error, 'TEMPLATE_INVALID')).toBe(true)
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['steps.0.subject', 'steps.1.text'])
  })

  it('adds leads: dedupes, skips suppressed, rejects invalid ones and leads lacking a required variable', async () => {
    const client = createCamClient({ store: createMemoryStore() })
    const campaign = await client.createCampaign(validCampaign)
    await client.suppress('blocked@prospect.example', 'manual')
    const report = await client.addLeads(campaign.id, [
      { email: 'ana@prospect.example', firstName: 'Ana' },
      { email: 'ANA@prospect.example ', firstName: 'Ana again' },
      { email: 'blocked@prospect.example', firstName: 'B' },
      { email: 'nofirst@prospect.example' },
      { email: 'bad address', firstName: 'X', timezone: 'Nowhere/Place' },
      { email: 'role@prospect.example', firstName: 'Rolf', variables: { role: 'CTO' } },
    ])
    expect(report).toMatchObject({ added: 2, duplicate: 1, suppressed: 1, invalid: 2 })
    expect(report.duplicateEmails).toEqual(['ana@prospect.example'])
    expect(report.invalidLeads[0]).toMatchObject({ index: 3, email: 'nofirst@prospect.example' })
    expect(report.invalidLeads[0]!.issues[0]!.message).toMatch(/template variable "firstName" \(used in steps\.0\.subject\) is missing and has no default/)
    expect(report.invalidLeads[1]!.issues.map((i) => i.path).sort()).toEqual(['email', 'timezone'])
    const again = await client.addLeads(campaign.id, [{ email: 'ana@prospect.example', firstName: 'Ana' }])
    expect(again).toMatchObject({ added: 0, duplicate: 1 })
  })

  it('renders with fallbacks and HTML-escapes variables in HTML bodies', async () => {
    const clock = createManualClock(new Date('2026-03-02T10:00:00Z'))
    const store = createMemoryStore({ clock })
    const client = createCamClient({ store, clock })
    const campaign = await client.createCampaign({
      ...validCampaign,
      steps: [{ subject: 'Hi {{ firstName }}', text: 'Hello {{ firstName }} at {{ company | default: "your company" }}', html: '<p>Hello {{ firstName }}</p>', delayDays: 0 }],
      schedule: { timezone: 'UTC', weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '00:00', endTime: '24:00' },
    })
    await client.addLeads(campaign.id, [{ email: 'x@prospect.example', firstName: '<script>alert(1)</script>' }])
    await client.startCampaign(campaign.id)
    const sender = createMemorySender()
    await createCamWorker({ store, sender, clock, config: { stopOnSignals: false } }).runOnce()
    const [sent] = sender.sent
    expect(sent?.email.text).toBe('Hello <script>alert(1)</script> at your company')
    expect(sent?.email.html).toBe('<p>Hello &lt;script&gt;alert(1)&lt;/script&gt;</p>')
  })

  it('moves campaigns through their statuses and refuses impossible moves', async () => {
    const client = createCamClient({ store: createMemoryStore() })
    const campaign = await client.createCampaign(validCampaign)
    expect((await client.startCampaign(campaign.id)).status).toBe('active')
    expect((await client.pauseCampaign(campaign.id, 'holiday')).statusReason).toBe('holiday')
    await expect(client.pauseCampaign(campaign.id)).resolves.toMatchObject({ status: 'paused' })
    expect((await client.resumeCampaign(campaign.id)).status).toBe('active')
    expect((await client.completeCampaign(campaign.id)).status).toBe('completed')
    await expect(client.startCampaign(campaign.id)).rejects.toSatisfy((e) => CamError.isInstance(e, 'CONFLICT'))
    await expect(client.startCampaign('00000000-0000-0000-0000-000000000000')).rejects.toSatisfy((e) => CamError.isInstance(e, 'NOT_FOUND'))
    const updated = await client.updateCampaign(campaign.id, { dailyCap: 3 })
    expect(updated.dailyCap).toBe(3)
    await expect(client.updateCampaign(campaign.id, { dailyCap: -3 })).rejects.toSatisfy((e) => ValidationError.isInstance(e) && e.issues[0]!.path === 'dailyCap')
  })

  it('handles one-click unsubscribe tokens and refuses forged ones', async () => {
    const secret = 'unsubscribe-secret-0123456789'
    const store = createMemoryStore()
    const client = createCamClient({ store, unsubscribeSecret: secret })
    const campaign = await client.createCampaign(validCampaign)
    const { addedLeads } = await client.addLeads(campaign.id, [{ email: 'Leave@Prospect.example', firstName: 'L' }])
    const lead = addedLeads[0]!
    const token = createUnsubscribeToken({ leadId: lead.id, email: lead.emailNormalized }, secret)
    expect(await client.handleUnsubscribe(token)).toEqual({ email: 'leave@prospect.example', newlySuppressed: true })
    expect(await client.handleUnsubscribe(token)).toEqual({ email: 'leave@prospect.example', newlySuppressed: false })
    expect((await client.getLead(lead.id))?.state).toBe('unsubscribed')
    const forged = createUnsubscribeToken({ leadId: lead.id, email: 'victim@prospect.example' }, 'another-secret-0123456789')
    await expect(client.handleUnsubscribe(forged)).rejects.toSatisfy((e) => CamError.isInstance(e, 'UNSUBSCRIBE_TOKEN_INVALID'))
    expect(await client.getSuppression('victim@prospect.example')).toBeNull()
  })

  it('reports campaign metrics with rates and lead counts', async () => {
    const client = createCamClient({ store: createMemoryStore() })
    const campaign = await client.createCampaign(validCampaign)
    await client.addLeads(campaign.id, [{ email: 'a@prospect.example', firstName: 'A' }])
    const metrics = await client.getCampaignMetrics(campaign.id, { windowDays: 14 })
    expect(metrics.lifetime.counts.sent).toBe(0)
    expect(metrics.lifetime.rates.replyRate).toBe(0)
    expect(metrics.window.days).toBe(14)
    expect(metrics.leads).toEqual({ queued: 1 })
  })
})

describe('loadConfigFromEnv', () => {
  it('reads CAM_* variables with defaults', () => {
    const { worker } = loadConfigFromEnv({ CAM_INTERVAL_MS: '5000', CAM_ALERTS_ENABLED: 'no', CAM_WORKER_ID: 'w-7' })
    expect(worker).toMatchObject({ intervalMs: 5000, alertsEnabled: false, workerId: 'w-7', sendBatchSize: 50 })
  })

  it('lists every bad variable in one error and never echoes secrets', () => {
    const secretValue = 'short-secret'
    try {
      loadConfigFromEnv(
        { CAM_INTERVAL_MS: 'soon', CAM_ALERTS_ENABLED: 'maybe', CAM_UNSUBSCRIBE_SECRET: secretValue, RESEND_API_KEY: '' },
        { RESEND_API_KEY: env.string({ secret: true }), DATABASE_URL: env.url({ protocols: ['postgres:', 'postgresql:'] }) },
      )
      expect.unreachable()
    } catch (error) {
      expect(CamError.isInstance(error, 'CONFIG_INVALID')).toBe(true)
      const message = (error as Error).message
      for (const name of ['CAM_INTERVAL_MS', 'CAM_ALERTS_ENABLED', 'CAM_UNSUBSCRIBE_URL', 'RESEND_API_KEY', 'DATABASE_URL']) expect(message).toContain(name)
      expect(message).not.toContain(secretValue)
      expect(message).not.toContain('soon')
    }
  })

  it('returns typed extra variables', () => {
    const { extra } = loadConfigFromEnv({ DATABASE_URL: 'postgres://db/x', CAM_ALERT_EMAILS: 'a@x.io, b@x.io' }, { DATABASE_URL: env.url({ protocols: ['postgres:'] }), CAM_ALERT_EMAILS: env.list() })
    expect(extra.DATABASE_URL).toBe('postgres://db/x')
    expect(extra.CAM_ALERT_EMAILS).toEqual(['a@x.io', 'b@x.io'])
  })
})
