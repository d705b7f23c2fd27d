import { describe, expect, it } from 'vitest'
import { CamError, ValidationError, createCamClient, type CamClient } from '../src/index.js'
import { createMemoryStore } from '../src/testing/index.js'

const validCampaign = {
  name: 'Argument checks',
  sender: { email: 'ana@sender.example' },
  steps: [{ subject: 'Hi', text: 'Hello', delayDays: 0 }],
}

/** The issues of the `ValidationError` a call rejects with (fails the test on any other outcome). */
async function issuesOf(call: () => Promise<unknown>): Promise<Array<{ path: string; message: string }>> {
  const error = await call().then(
    () => expect.unreachable('expected a ValidationError'),
    (e: unknown) => e,
  )
  expect(error, String(error)).toBeInstanceOf(ValidationError)
  expect(CamError.isInstance(error, 'VALIDATION_FAILED')).toBe(true)
  return [...(error as ValidationError).issues]
}

const pathsOf = async (call: () => Promise<unknown>) => (await issuesOf(call)).map((issue) => issue.path)

async function clientWithLead(): Promise<{ client: CamClient; campaignId: string; leadId: string }> {
  const client = createCamClient({ store: createMemoryStore() })
  const campaign = await client.createCampaign(validCampaign)
  const { addedLeads } = await client.addLeads(campaign.id, [{ email: 'Bob@Prospect.example' }, { email: 'carol@prospect.example' }])
  return { client, campaignId: campaign.id, leadId: addedLeads[0]!.id }
}

// Values only reachable from JavaScript (or through `as`): the client must still refuse them clearly.
const loose = <T>(value: unknown) => value as T

describe('client argument validation: listLeads', () => {
  it('refuses a limit that is not an integer from 1 to 1000, naming filter.limit', async () => {
    const { client } = await clientWithLead()
    for (const limit of [-1, 0, 1.5, 1001, Number.NaN, loose<number>('abc'), loose<number>(null)]) {
      expect(await issuesOf(() => client.listLeads({ limit }))).toEqual([{ path: 'filter.limit', message: 'expected an integer from 1 to 1000' }])
    }
    expect(await client.listLeads({ limit: 1 })).toHaveLength(1)
    expect(await client.listLeads({ limit: 1000 })).toHaveLength(2)
  })

  it('refuses unknown lead states instead of silently returning nothing', async () => {
    const { client } = await clientWithLead()
    const issues = await issuesOf(() => client.listLeads({ states: loose(['queued', 'sleeping']) }))
    expect(issues).toHaveLength(1)
    expect(issues[0]!.path).toBe('filter.states.1')
    expect(issues[0]!.message).toMatch(/^expected a lead state: queued, active, paused, .*no_reply, failed$/)
    expect(await pathsOf(() => client.listLeads({ states: [] }))).toEqual(['filter.states'])
    expect(await pathsOf(() => client.listLeads({ states: loose('queued') }))).toEqual(['filter.states'])
    expect(await client.listLeads({ states: ['queued'] })).toHaveLength(2)
  })

  it('reports every bad field at once, and unknown fields by name', async () => {
    const { client } = await clientWithLead()
    const issues = await issuesOf(() =>
      client.listLeads(loose({ campaignId: 42, states: ['nope'], email: 'not an address', limit: -1, after: '', campaignID: 'typo' })),
    )
    expect(issues.map((issue) => issue.path).sort()).toEqual(['filter.after', 'filter.campaignID', 'filter.campaignId', 'filter.email', 'filter.limit', 'filter.states.0'])
    expect(issues.find((issue) => issue.path === 'filter.campaignID')?.message).toBe('unknown field (expected only campaignId, states, email, limit, after)')
    expect(await pathsOf(() => client.listLeads(loose('all')))).toEqual(['filter'])
  })

  it('matches the email filter normalised, as leads are stored', async () => {
    const { client, leadId } = await clientWithLead()
    expect((await client.listLeads({ email: ' BOB@prospect.example ' })).map((lead) => lead.id)).toEqual([leadId])
    expect((await client.listLeads()).length).toBe(2)
  })
})

describe('client argument validation: addresses and targets', () => {
  it('getSuppression refuses null or a non-address with a ValidationError naming email (was a bare TypeError)', async () => {
    const { client } = await clientWithLead()
    for (const email of [null, undefined, 42, '', 'no-at-sign', 'a\u0000b@prospect.example']) {
      expect(await issuesOf(() => client.getSuppression(loose(email)))).toEqual([{ path: 'email', message: 'expected an email address like name@example.com' }])
    }
    await client.suppress('Gone@Prospect.example')
    expect(await client.getSuppression(' gone@PROSPECT.example')).toMatchObject({ email: 'gone@prospect.example', reason: 'manual' })
  })

  it('unsubscribe refuses null, both or neither target field, and names target.email / target.leadId', async () => {
    const { client, leadId } = await clientWithLead()
    expect(await pathsOf(() => client.unsubscribe(loose(null)))).toEqual(['target'])
    expect(await pathsOf(() => client.unsubscribe(loose({})))).toEqual(['target'])
    expect(await pathsOf(() => client.unsubscribe(loose({ email: 'bob@prospect.example', leadId })))).toEqual(['target'])
    expect(await pathsOf(() => client.unsubscribe({ email: 'nope' }))).toEqual(['target.email'])
    expect(await pathsOf(() => client.unsubscribe({ leadId: '' }))).toEqual(['target.leadId'])
    expect(await pathsOf(() => client.unsubscribe(loose({ mail: 'bob@prospect.example' })))).toEqual(['target.mail', 'target'])
    expect(await pathsOf(() => client.unsubscribe({ email: 'bob@prospect.example' }, ''))).toEqual(['source'])
    expect(await client.unsubscribe({ leadId })).toEqual({ email: 'bob@prospect.example', newlySuppressed: true })
    expect(await client.unsubscribe({ email: 'Carol@Prospect.example' })).toEqual({ email: 'carol@prospect.example', newlySuppressed: true })
  })

  it('suppress names every bad argument at once', async () => {
    const { client } = await clientWithLead()
    expect(await pathsOf(() => client.suppress(loose(null), loose('because'), loose(7)))).toEqual(['email', 'reason', 'source'])
    expect(await client.suppress('x@prospect.example', 'complaint', 'crm import')).toEqual({ created: true })
  })
})

describe('client argument validation: ids, options and other filters', () => {
  it('every method taking an id refuses a missing or empty one, naming the argument', async () => {
    const { client } = await clientWithLead()
    const calls: Array<[string, (id: string) => Promise<unknown>]> = [
      ['campaignId', (id) => client.getCampaign(id)],
      ['campaignId', (id) => client.startCampaign(id)],
      ['campaignId', (id) => client.pauseCampaign(id)],
      ['campaignId', (id) => client.resumeCampaign(id)],
      ['campaignId', (id) => client.completeCampaign(id)],
      ['campaignId', (id) => client.updateCampaign(id, { dailyCap: 3 })],
      ['campaignId', (id) => client.addLeads(id, [])],
      ['campaignId', (id) => client.getCampaignMetrics(id)],
      ['campaignId', (id) => client.listInDoubtEmails(id)],
      ['leadId', (id) => client.getLead(id)],
      ['leadId', (id) => client.listLeadEmails(id)],
      ['emailId', (id) => client.resolveInDoubtEmail(id, 'cancel')],
    ]
    for (const [path, call] of calls) {
      for (const id of [loose<string>(null), loose<string>(7), '', 'x\u0000y']) {
        expect((await issuesOf(() => call(id))).map((issue) => issue.path), `${path} ${JSON.stringify(id)}`).toEqual([path])
      }
    }
  })

  it('names both arguments when both are bad, before asking the store', async () => {
    const { client } = await clientWithLead()
    expect(await pathsOf(() => client.updateCampaign('', { dailyCap: -3 }))).toEqual(['campaignId', 'dailyCap'])
    expect(await pathsOf(() => client.updateCampaign('', loose(null)))).toEqual(['campaignId', 'patch'])
    expect(await pathsOf(() => client.addLeads('', loose('bob@prospect.example')))).toEqual(['campaignId', 'leads'])
    expect(await pathsOf(() => client.resolveInDoubtEmail('', loose('maybe')))).toEqual(['emailId', 'resolution'])
    expect(await pathsOf(() => client.pauseCampaign('', loose(5)))).toEqual(['campaignId', 'reason'])
  })

  it('getCampaignMetrics checks windowDays before looking the campaign up', async () => {
    const { client, campaignId } = await clientWithLead()
    for (const windowDays of [0, -1, 2.5, 366, loose<number>('7')]) {
      expect(await issuesOf(() => client.getCampaignMetrics('no-such-campaign', { windowDays }))).toEqual([
        { path: 'options.windowDays', message: 'expected an integer from 1 to 365' },
      ])
    }
    expect(await pathsOf(() => client.getCampaignMetrics(campaignId, loose({ window: 7 })))).toEqual(['options.window'])
    expect((await client.getCampaignMetrics(campaignId, { windowDays: 365 })).window.days).toBe(365)
  })

  it('listAlerts, listCampaigns and listInDoubtEmails validate their filters', async () => {
    const { client, campaignId } = await clientWithLead()
    expect(await pathsOf(() => client.listAlerts({ limit: -1 }))).toEqual(['filter.limit'])
    expect(await pathsOf(() => client.listAlerts({ limit: loose('abc'), campaignId: '' }))).toEqual(['filter.campaignId', 'filter.limit'])
    expect(await pathsOf(() => client.listAlerts(loose({ campaign: campaignId })))).toEqual(['filter.campaign'])
    expect(await client.listAlerts({ campaignId, limit: 5 })).toEqual([])
    expect(await pathsOf(() => client.listCampaigns({ statuses: loose(['running']) }))).toEqual(['filter.statuses.0'])
    expect(await pathsOf(() => client.listCampaigns({ statuses: [] }))).toEqual(['filter.statuses'])
    expect((await client.listCampaigns({ statuses: ['draft'] })).map((campaign) => campaign.id)).toEqual([campaignId])
    expect(await client.listInDoubtEmails()).toEqual([])
  })

  it('resolveInDoubtEmail names an unknown resolution', async () => {
    const { client } = await clientWithLead()
    expect(await issuesOf(() => client.resolveInDoubtEmail('some-id', loose('retry')))).toEqual([
      { path: 'resolution', message: 'expected a resolution: sent, resend, cancel' },
    ])
  })

  it('createCamClient checks its options', () => {
    expect(() => createCamClient(loose(null))).toThrow(/options: expected \{ store, clock\?, unsubscribeSecret\?, logger\?, bounceActions\? \}/)
    expect(() => createCamClient(loose({}))).toThrow(/store: expected a Store adapter/)
    try {
      createCamClient({ store: createMemoryStore(), clock: loose({}), unsubscribeSecret: 'short', logger: loose({ info: () => {} }) })
      expect.unreachable()
    } catch (error) {
      expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual(['clock', 'unsubscribeSecret', 'logger'])
      expect((error as Error).message).not.toContain('short')
    }
  })
})
