import { describe, expect, it } from 'vitest'
import { sampleAlert } from '../testing/conformance/store-fixtures.js'
import { createConsoleAlerts } from './create-console-alerts.js'

describe('console alerts', () => {
  it('prints the alert with control characters escaped', async () => {
    let out = ''
    const channel = createConsoleAlerts({ stream: { write: (chunk: string) => (out += chunk) } })
    await channel.deliver(
      { ...sampleAlert({ excerpt: 'yes!\n[INFO] forged line \u001b[31mred', leadName: 'Eve\r\nAdmin', leadEmail: 'eve@x.example' }), id: 'a1', createdAt: new Date() },
      { idempotencyKey: 'k' },
    )
    expect(out).toContain('🔔 Positive reply from Lee')
    expect(out).toContain('Eve\\u000d\\u000aAdmin <eve@x.example>')
    expect(out).not.toContain('\u001b')
    expect(out.split('\n').filter((line) => line.startsWith('[INFO]'))).toEqual([])
  })
})
