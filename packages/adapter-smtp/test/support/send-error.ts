import { expect } from 'vitest'
import { SendError } from '@cam/core'

/** The `SendError` a send rejected with (fails the test when it resolved or threw something else). */
export async function sendError(promise: Promise<unknown>): Promise<SendError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )
  expect(SendError.isInstance(error), `expected a SendError, got ${String(error)}`).toBe(true)
  return error as SendError
}
