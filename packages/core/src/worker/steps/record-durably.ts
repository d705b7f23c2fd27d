import { AdapterError } from '../../errors/adapter-error.js'
import { CamError } from '../../errors/cam-error.js'

/** Pauses before each new try of a store write whose outcome must not be lost (about 2.6 s in all). */
const retryDelaysMs = [100, 500, 2000]

/**
 * Runs a store write that records what a provider already did (an email sent, an alert
 * delivered). A transient store failure (connection cut, server restarting) is retried a
 * few times: leaving it unrecorded would hold the email in doubt, or send the email or
 * the alert again. When an earlier try committed but its answer was lost, the retry
 * conflicts: `committed` then tells whether the write did land.
 */
export async function recordDurably(write: () => Promise<unknown>, committed: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await write()
      return
    } catch (error) {
      if (attempt > 0 && CamError.isInstance(error, 'CONFLICT')) {
        if (await committed()) return
      }
      const delay = retryDelaysMs[attempt]
      if (delay === undefined || !AdapterError.isTransient(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}
