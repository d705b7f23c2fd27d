import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ValidationError } from '../errors/validation-error.js'
import { parseOptions } from './parse-options.js'

const schema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65_535).default(993),
  auth: z.object({ user: z.string().min(1), pass: z.string().min(1, { error: 'expected a non-empty string' }) }),
  mailboxes: z.array(z.string().min(1)).optional(),
  timeoutMs: z.number().int().positive().optional(),
})

function validationError(call: () => unknown): ValidationError {
  try {
    call()
  } catch (error) {
    if (ValidationError.isInstance(error)) return error
    throw error
  }
  throw new Error('expected a ValidationError')
}

describe('parseOptions', () => {
  it('returns the parsed value with defaults applied', () => {
    expect(parseOptions(schema, { host: 'h', auth: { user: 'u', pass: 'p' } }, 'test options')).toEqual({ host: 'h', port: 993, auth: { user: 'u', pass: 'p' } })
  })

  it('lists every bad field at once, one issue per field, with dotted paths, as CONFIG_INVALID', () => {
    const error = validationError(() =>
      parseOptions(schema, { host: '', port: 1.5, auth: { user: 'u', pass: '' }, mailboxes: ['INBOX', ''], timeoutMs: 'soon' }, 'IMAP inbox options'),
    )
    expect(error.code).toBe('CONFIG_INVALID')
    // port 1.5 breaks no rule but "integer": one issue, although a second check could fail too.
    expect(error.issues.map((issue) => issue.path)).toEqual(['host', 'port', 'auth.pass', 'mailboxes.1', 'timeoutMs'])
    expect(error.issues.find((issue) => issue.path === 'auth.pass')?.message).toBe('expected a non-empty string')
    expect(error.message).toMatch(/^Invalid IMAP inbox options:\n {2}- host: /)
  })

  it('keeps one issue per field when several checks of one field fail, saying each problem once', () => {
    const size = z.number().int({ error: 'expected an integer ≥ 10' }).min(10, { error: 'expected an integer ≥ 10' })
    const error = validationError(() => parseOptions(z.object({ size }), { size: 2.5 }, 'options'))
    expect(error.issues).toEqual([{ path: 'size', message: 'expected an integer ≥ 10' }])
    const exclusive = z
      .object({ a: z.string().optional(), b: z.string().min(2, { error: 'expected 2 characters or more' }).optional() })
      .superRefine((value, context) => {
        if (value.a !== undefined && value.b !== undefined) context.addIssue({ code: 'custom', path: ['b'], message: 'give a or b, not both' })
      }, { when: () => true })
    expect(validationError(() => parseOptions(exclusive, { a: 'x', b: 'y' }, 'options')).issues).toEqual([
      { path: 'b', message: 'expected 2 characters or more; give a or b, not both' },
    ])
  })

  it('names a missing required field and never echoes the value given', () => {
    const error = validationError(() => parseOptions(schema, { host: 'h', auth: { user: 'u', pass: 12_345_678 } }, 'options'))
    expect(error.issues).toEqual([{ path: 'auth.pass', message: expect.any(String) }])
    expect(error.message).not.toContain('12345678')
    expect(validationError(() => parseOptions(schema, { auth: { user: 'u', pass: 'p' } }, 'options')).issues[0]).toEqual({ path: 'host', message: expect.stringMatching(/missing/) })
  })

  it('reports a non-object input at the root and takes another error code', () => {
    const error = validationError(() => parseOptions(schema, null, 'options', { code: 'VALIDATION_FAILED' }))
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.issues.map((issue) => issue.path)).toEqual([''])
  })
})
