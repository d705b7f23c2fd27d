import { createCamClient, ValidationError } from '@cam/core'
import { createMemoryStore } from '@cam/core/testing'
import { describe, expect, it } from 'vitest'
import { createDashboard, type DashboardOptions } from '../src/index.js'

const client = createCamClient({ store: createMemoryStore() })
const authorize = () => ({ actor: 'ana' })

function issuesOf(options: unknown): Array<{ path: string; message: string }> {
  try {
    createDashboard(options as DashboardOptions)
  } catch (error) {
    expect(ValidationError.isInstance(error)).toBe(true)
    expect((error as ValidationError).code).toBe('CONFIG_INVALID')
    return [...(error as ValidationError).issues]
  }
  throw new Error('createDashboard accepted the options')
}

describe('createDashboard options', () => {
  it('refuses to mount without authorize, saying why and how to opt out for localhost', () => {
    const issues = issuesOf({ client, basePath: '/cam' })
    expect(issues).toHaveLength(1)
    expect(issues[0]!.path).toBe('authorize')
    expect(issues[0]!.message).toMatch(/no anonymous default/)
    expect(issues[0]!.message).toMatch(/dangerouslyAllowAnonymous/)
  })

  it('mounts without authorize only with dangerouslyAllowAnonymous: true', async () => {
    expect(issuesOf({ client, basePath: '/cam', dangerouslyAllowAnonymous: false })[0]!.path).toBe('authorize')
    const dashboard = createDashboard({ client, basePath: '/cam', dangerouslyAllowAnonymous: true })
    const response = await dashboard(new Request('http://localhost/cam'))
    expect(response.status).toBe(200)
    expect(await response.text()).toContain('anonymous')
  })

  it('names every bad field at once', () => {
    const issues = issuesOf({ client: {}, authorize: 'yes', basePath: 'cam/', pageSize: 0, csrfSecret: 'short', logger: console.log, trustedOrigins: ['https://ops.acme.io/path'] })
    const paths = issues.map((issue) => issue.path).sort()
    expect(paths).toEqual(['authorize', 'basePath', 'client', 'csrfSecret', 'logger', 'pageSize', 'trustedOrigins.0'])
    expect(issues.find((issue) => issue.path === 'basePath')!.message).toMatch(/starting with "\/"/)
    expect(issues.find((issue) => issue.path === 'pageSize')!.message).toMatch(/integer from 1 to 500/)
    expect(issues.find((issue) => issue.path === 'csrfSecret')!.message).toMatch(/at least 32 characters/)
    expect(issues.find((issue) => issue.path === 'client')!.message).toMatch(/CamClient/)
  })

  it('never echoes the secret it refuses', () => {
    try {
      createDashboard({ client, authorize, basePath: '/cam', csrfSecret: 'hunter2-secret' })
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('hunter2')
      return
    }
    throw new Error('accepted a short secret')
  })

  it('refuses options that are not an object', () => {
    expect(issuesOf(undefined)[0]!.path).toBe('options')
  })

  it('accepts "/" as the base path and serves at the root', async () => {
    const dashboard = createDashboard({ client, authorize, basePath: '/' })
    expect((await dashboard(new Request('http://localhost/'))).status).toBe(200)
    expect((await dashboard(new Request('http://localhost/suppressions'))).status).toBe(200)
  })

  it('answers 404 outside its base path and 405 for other methods', async () => {
    const dashboard = createDashboard({ client, authorize, basePath: '/admin/cam' })
    expect((await dashboard(new Request('http://localhost/admin'))).status).toBe(404)
    expect((await dashboard(new Request('http://localhost/admin/camera'))).status).toBe(404)
    expect((await dashboard(new Request('http://localhost/admin/cam/'))).status).toBe(200)
    const put = await dashboard(new Request('http://localhost/admin/cam', { method: 'PUT' }))
    expect(put.status).toBe(405)
    expect(put.headers.get('allow')).toBe('GET, HEAD, POST')
  })
})
