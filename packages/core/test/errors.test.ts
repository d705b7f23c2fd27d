import { describe, expect, it } from 'vitest'
import { AdapterError, AlertDeliveryError, CamError, ConflictError, InboxError, NotFoundError, SendError, ValidationError } from '../src/index.js'

describe('error classes', () => {
  const made = {
    cam: new CamError('STEP_FAILED', 'x'),
    adapter: new AdapterError('SEND_RETRYABLE', 'sender', 'send', new Error('down'), { transient: true }),
    conflict: new ConflictError('x'),
    notFound: new NotFoundError('x'),
    send: SendError.retryable('x'),
    alert: new AlertDeliveryError('x'),
    inbox: new InboxError('x'),
    validation: new ValidationError('thing', [{ path: 'a', message: 'b' }]),
  }
  const checks = {
    adapter: AdapterError.isInstance,
    conflict: ConflictError.isInstance,
    notFound: NotFoundError.isInstance,
    send: SendError.isInstance,
    alert: AlertDeliveryError.isInstance,
    inbox: InboxError.isInstance,
    validation: ValidationError.isInstance,
  }

  it('isInstance of a class recognises that class only (a CamError of another class, even with a matching code, is not one)', () => {
    for (const [name, check] of Object.entries(checks)) {
      for (const [madeName, error] of Object.entries(made)) {
        expect(check(error), `${name}.isInstance(${madeName})`).toBe(name === madeName)
      }
    }
    // An adapter failure of the sender carries the code SEND_RETRYABLE but is not a SendError.
    expect(CamError.isInstance(made.adapter, 'SEND_RETRYABLE')).toBe(true)
    expect(SendError.isInstance(made.adapter)).toBe(false)
  })

  it('CamError.isInstance recognises every CAM error, and errors of another copy of @cam/core', () => {
    for (const error of Object.values(made)) expect(CamError.isInstance(error)).toBe(true)
    expect(CamError.isInstance(new Error('plain'))).toBe(false)
    // What another copy makes: the same registered symbols, another prototype chain.
    const foreign = Object.assign(new Error('from another copy'), { code: 'CONFLICT', [Symbol.for('cam.error')]: true, [Symbol.for('cam.error.ConflictError')]: true })
    expect(ConflictError.isInstance(foreign)).toBe(true)
    expect(CamError.isInstance(foreign, 'CONFLICT')).toBe(true)
    expect(NotFoundError.isInstance(foreign)).toBe(false)
  })

  it('AdapterError.isTransient is true only for adapter errors marked transient', () => {
    expect(AdapterError.isTransient(made.adapter)).toBe(true)
    expect(AdapterError.isTransient(new AdapterError('STORE_FAILED', 'store', 'getLead', new Error('syntax')))).toBe(false)
    expect(AdapterError.isTransient(Object.assign(new CamError('STORE_FAILED', 'x'), { transient: true }))).toBe(false)
  })
})
