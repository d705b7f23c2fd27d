import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ValidationError } from '../errors/validation-error.js'
import { optionFields } from './option-fields.js'
import { parseOptions } from './parse-options.js'

describe('optionFields', () => {
  it('say what was expected and what was given, for every bad field at once', () => {
    const schema = z.object({ port: optionFields.integer(1, 65_535), timeoutMs: optionFields.duration(1), secure: optionFields.boolean() })
    expect(parseOptions(schema, { port: 465, timeoutMs: 30_000, secure: true }, 'test options')).toEqual({ port: 465, timeoutMs: 30_000, secure: true })
    let caught: unknown
    try {
      parseOptions(schema, { port: '465', timeoutMs: 2 ** 31, secure: 'yes' }, 'test options')
    } catch (error) {
      caught = error
    }
    expect(ValidationError.isInstance(caught)).toBe(true)
    const issues = Object.fromEntries((caught as ValidationError).issues.map((issue) => [issue.path, issue.message]))
    expect(issues['port']).toMatch(/^expected an integer from 1 to 65535, got /)
    expect(issues['timeoutMs']).toMatch(/^expected at most 2147483647 ms \(about 24\.8 days\), got /)
    expect(issues['secure']).toMatch(/^expected true or false, got /)
  })
})
