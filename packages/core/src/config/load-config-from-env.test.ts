import { describe, expect, it } from 'vitest'
import type { ValidationError } from '../errors/index.js';
import { CamError } from '../errors/index.js'
import { env, loadConfigFromEnv, readEnvironment, type Environment } from './load-config-from-env.js'

function issuesOf(environment: Environment): ValidationError['issues'] {
  try {
    loadConfigFromEnv(environment)
  } catch (error) {
    expect(CamError.isInstance(error, 'CONFIG_INVALID')).toBe(true)
    return (error as ValidationError).issues
  }
  return expect.unreachable('expected a ValidationError')
}

const secret = 'unsubscribe-secret-0123456789'

describe('loadConfigFromEnv: every bad variable in one error', () => {
  it('an invalid CAM_UNSUBSCRIBE_URL does not hide a bad secret, mailto or other variable', () => {
    const shortSecret = 'short-secret'
    const issues = issuesOf({
      CAM_UNSUBSCRIBE_URL: 'not a url',
      CAM_UNSUBSCRIBE_SECRET: shortSecret,
      CAM_UNSUBSCRIBE_MAILTO: 'nobody',
      CAM_SEND_BATCH_SIZE: '0',
    })
    expect(issues.map((issue) => issue.path).sort()).toEqual(['CAM_SEND_BATCH_SIZE', 'CAM_UNSUBSCRIBE_MAILTO', 'CAM_UNSUBSCRIBE_SECRET', 'CAM_UNSUBSCRIBE_URL'])
    expect(issues.find((issue) => issue.path === 'CAM_UNSUBSCRIBE_SECRET')?.message).toBe('expected at least 16 characters (value hidden: secret)')
    expect(JSON.stringify(issues)).not.toContain(shortSecret)
  })

  it('a URL refused by the worker (plain http) is reported with the other unsubscribe problems', () => {
    const issues = issuesOf({ CAM_UNSUBSCRIBE_URL: 'http://example.com/unsubscribe', CAM_UNSUBSCRIBE_SECRET: 'short', CAM_UNSUBSCRIBE_MAILTO: 'x' })
    expect(issues).toEqual([
      { path: 'CAM_UNSUBSCRIBE_URL', message: 'expected an https URL' },
      { path: 'CAM_UNSUBSCRIBE_SECRET', message: 'expected at least 16 characters (value hidden: secret)' },
      { path: 'CAM_UNSUBSCRIBE_MAILTO', message: 'expected an email address' },
    ])
  })

  it('a missing partner variable is named together with a bad given one', () => {
    expect(issuesOf({ CAM_UNSUBSCRIBE_URL: 'ftp://example.com/u', CAM_INTERVAL_MS: 'soon' }).map((issue) => issue.path).sort()).toEqual([
      'CAM_INTERVAL_MS',
      'CAM_UNSUBSCRIBE_SECRET',
      'CAM_UNSUBSCRIBE_URL',
    ])
    expect(issuesOf({ CAM_UNSUBSCRIBE_MAILTO: 'unsubscribe@acme.io' })).toEqual([
      { path: 'CAM_UNSUBSCRIBE_URL', message: 'is required when CAM_UNSUBSCRIBE_MAILTO is set' },
      { path: 'CAM_UNSUBSCRIBE_SECRET', message: 'is required when CAM_UNSUBSCRIBE_MAILTO is set' },
    ])
  })

  it('reads a complete unsubscribe setup', () => {
    const { worker } = loadConfigFromEnv({ CAM_UNSUBSCRIBE_URL: 'https://acme.io/u', CAM_UNSUBSCRIBE_SECRET: secret, CAM_UNSUBSCRIBE_MAILTO: 'u@acme.io' })
    expect(worker.unsubscribe).toEqual({ url: 'https://acme.io/u', secret, mailto: 'u@acme.io' })
  })
})

describe('loadConfigFromEnv: durations', () => {
  it('refuses a CAM_INTERVAL_MS or CAM_LEASE_TTL_MS Node.js timers cannot wait for', () => {
    expect(issuesOf({ CAM_INTERVAL_MS: '3000000000', CAM_LEASE_TTL_MS: '2147483648' })).toEqual([
      { path: 'CAM_INTERVAL_MS', message: 'expected at most 2147483647 ms (about 24.8 days)' },
      { path: 'CAM_LEASE_TTL_MS', message: 'expected at most 2147483647 ms (about 24.8 days)' },
    ])
    expect(loadConfigFromEnv({ CAM_INTERVAL_MS: '2147483647', CAM_LEASE_TTL_MS: '2147483647' }).worker).toMatchObject({ intervalMs: 2_147_483_647, leaseTtlMs: 2_147_483_647 })
  })

  it('refuses durations below the minimum or not in whole milliseconds', () => {
    expect(issuesOf({ CAM_INTERVAL_MS: '50', CAM_LEASE_TTL_MS: '1.5' })).toEqual([
      { path: 'CAM_INTERVAL_MS', message: 'expected at least 100 ms' },
      { path: 'CAM_LEASE_TTL_MS', message: 'expected a whole number of milliseconds from 1000 to 2147483647' },
    ])
  })

  it('env.duration never allows more than 2³¹−1 ms, even when asked to', () => {
    expect(() => readEnvironment({ DELAY_MS: '3000000000' }, { DELAY_MS: env.duration({ max: Number.MAX_SAFE_INTEGER }) })).toThrow(
      /DELAY_MS: expected at most 2147483647 ms \(about 24\.8 days\)/,
    )
    expect(readEnvironment({}, { DELAY_MS: env.duration({ default: 500 }) })).toEqual({ DELAY_MS: 500 })
  })
})
