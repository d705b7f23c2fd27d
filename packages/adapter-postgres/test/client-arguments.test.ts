import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ValidationError, createCamClient, type CamClient } from '@cam/core'
import { createPostgresStore, type PostgresStore } from '../src/index.js'
import { createMigratedSchema, databaseUrl, testSchemaName } from './support/database.js'

// The management client must refuse bad arguments itself: before it did, PostgreSQL
// answered them with raw errors (LIMIT −1, 'abc', 1.5, NUL bytes) or silently with nothing.

const schema = testSchemaName('client_arguments')
let dropSchema: () => Promise<void> = async () => {}
let store: PostgresStore
let client: CamClient
let campaignId = ''

beforeAll(async () => {
  dropSchema = await createMigratedSchema(schema)
  store = createPostgresStore({ connectionString: databaseUrl, schema })
  client = createCamClient({ store })
  const campaign = await client.createCampaign({ name: 'Arguments', sender: { email: 'ana@sender.example' }, steps: [{ subject: 'Hi', text: 'Hello', delayDays: 0 }] })
  campaignId = campaign.id
  await client.addLeads(campaignId, [{ email: 'Bob@Prospect.example' }, { email: 'carol@prospect.example' }])
})
afterAll(async () => {
  await store?.close()
  await dropSchema()
})

async function issuesOf(call: () => Promise<unknown>): Promise<Array<{ path: string; message: string }>> {
  const error = await call().then(
    () => expect.unreachable('expected a ValidationError'),
    (e: unknown) => e,
  )
  expect(ValidationError.isInstance(error), String(error)).toBe(true)
  return [...(error as ValidationError).issues]
}

const loose = <T>(value: unknown) => value as T

describe('client arguments against the PostgreSQL store', () => {
  it('listLeads: a bad limit is a ValidationError naming filter.limit, not a PostgreSQL error', async () => {
    for (const limit of [-1, 1.5, loose<number>('abc'), 0, 1001]) {
      expect(await issuesOf(() => client.listLeads({ campaignId, limit }))).toEqual([{ path: 'filter.limit', message: 'expected an integer from 1 to 1000' }])
    }
    expect(await client.listLeads({ campaignId, limit: 1 })).toHaveLength(1)
  })

  it('listLeads: unknown states, NUL bytes and unnormalised addresses', async () => {
    expect((await issuesOf(() => client.listLeads({ campaignId, states: loose(['sleeping']) })))[0]!.path).toBe('filter.states.0')
    expect((await issuesOf(() => client.listLeads({ campaignId: 'a\u0000b' })))[0]!.path).toBe('filter.campaignId')
    expect((await issuesOf(() => client.listLeads({ after: 'a\u0000b' })))[0]!.path).toBe('filter.after')
    expect((await client.listLeads({ campaignId, email: 'BOB@prospect.example' })).map((lead) => lead.emailNormalized)).toEqual(['bob@prospect.example'])
    expect(await client.listLeads({ campaignId, states: ['queued'] })).toHaveLength(2)
  })

  it('ids and addresses with a NUL byte, null or a bad limit never reach the database', async () => {
    expect((await issuesOf(() => client.getLead('x\u0000')))[0]!.path).toBe('leadId')
    expect((await issuesOf(() => client.getCampaign('x\u0000')))[0]!.path).toBe('campaignId')
    expect((await issuesOf(() => client.getSuppression('a\u0000b@prospect.example')))[0]!.path).toBe('email')
    expect((await issuesOf(() => client.getSuppression(loose(null))))[0]!.path).toBe('email')
    expect((await issuesOf(() => client.unsubscribe(loose(null))))[0]!.path).toBe('target')
    expect((await issuesOf(() => client.listAlerts({ limit: -1 })))[0]!.path).toBe('filter.limit')
    expect((await issuesOf(() => client.suppress('x@prospect.example', 'manual', 'crm\u0000')))[0]!.path).toBe('source')
    expect(await client.getSuppression('x@prospect.example')).toBeNull()
  })
})
