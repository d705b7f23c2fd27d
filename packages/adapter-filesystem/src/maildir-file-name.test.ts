import { describe, expect, it } from 'vitest'
import { compareNatural, compareUniqueNames, createUniqueName, maildirDeliverySeconds, maildirHostName, maildirUniqueName } from './maildir-file-name.js'

describe('maildirUniqueName', () => {
  it('drops the info after the separator and keeps everything before it', () => {
    expect(maildirUniqueName('1700000000.M12P3.host,S=120,W=124:2,RS')).toBe('1700000000.M12P3.host,S=120,W=124')
    expect(maildirUniqueName('1700000000.M12P3.host')).toBe('1700000000.M12P3.host')
    expect(maildirUniqueName('1700000000.M12P3.host:2,')).toBe('1700000000.M12P3.host')
    expect(maildirUniqueName('1700000000.M12P3.host!2,S', '!')).toBe('1700000000.M12P3.host')
  })
})

describe('maildirDeliverySeconds', () => {
  it('reads the leading seconds, and 0 for a name without them', () => {
    expect(maildirDeliverySeconds('1700000000.M12P3.host')).toBe(1_700_000_000)
    expect(maildirDeliverySeconds('999.x')).toBe(999)
    expect(maildirDeliverySeconds('message-from-a-script.eml')).toBe(0)
    expect(maildirDeliverySeconds('1700000000x.host')).toBe(0)
  })
})

describe('ordering', () => {
  it('compares digit runs as numbers (unpadded microseconds from Dovecot sort right)', () => {
    const names = ['1700000000.M123456P7.host', '1700000000.M5P99.host', '1700000000.M40P7.host']
    expect([...names].sort(compareUniqueNames)).toEqual(['1700000000.M5P99.host', '1700000000.M40P7.host', '1700000000.M123456P7.host'])
    expect(compareNatural('a2', 'a10')).toBeLessThan(0)
    expect(compareNatural('a10', 'a2')).toBeGreaterThan(0)
    expect(compareNatural('x', 'x')).toBe(0)
  })

  it('is a total order: names equal as numbers still differ', () => {
    expect(compareNatural('M01', 'M1')).not.toBe(0)
    expect(Math.sign(compareNatural('M01', 'M1'))).toBe(-Math.sign(compareNatural('M1', 'M01')))
  })

  it('orders by delivery second first, whatever the name after it', () => {
    expect(compareUniqueNames('99.Z.host', '100.A.host')).toBeLessThan(0)
    expect(compareUniqueNames('no-time-at-all', '1.A.host')).toBeLessThan(0)
  })
})

describe('createUniqueName', () => {
  it('makes names that sort in the order they were made, even when the clock steps back', () => {
    const base = 1_700_000_000_000_000
    const names = [createUniqueName(base + 10), createUniqueName(base + 10), createUniqueName(base + 5), createUniqueName(base - 2_000_000), createUniqueName(base + 999_999)]
    expect(new Set(names).size).toBe(names.length)
    expect([...names].sort(compareUniqueNames)).toEqual(names)
    expect(names[0]).toMatch(/^1700000000\.M10P\d+Q\d+\./)
  })

  it('escapes "/" and ":" in the host name as the specification asks', () => {
    expect(maildirHostName('mail/1:x')).toBe('mail\\0571\\072x')
    expect(maildirHostName('')).toBe('localhost')
  })
})
