import { createRequire } from 'node:module'
import type { ImapFlow } from 'imapflow'

/** What to do when `imapflow` is missing. */
export const imapFlowInstallAdvice = 'install imapflow (npm i imapflow) to keep a copy in the Sent folder, or remove sentFolder'

const requireFromHere = createRequire(import.meta.url)

/**
 * True when `imapflow` (an optional peer dependency, needed only for the Sent-folder copy) can
 * be found from this package, the way the dynamic `import()` that loads it will look for it.
 */
export function isImapFlowInstalled(): boolean {
  try {
    requireFromHere.resolve('imapflow')
    return true
  } catch {
    return false
  }
}

let loading: Promise<typeof ImapFlow> | null = null

/** The `ImapFlow` class, imported on first use (senders without a Sent folder never load it). */
export function loadImapFlow(): Promise<typeof ImapFlow> {
  loading ??= import('imapflow').then(
    (module) => module.ImapFlow,
    (error: unknown) => {
      loading = null // tried again by the next append
      throw new Error(`${imapFlowInstallAdvice} (${error instanceof Error ? error.message : String(error)})`, { cause: error })
    },
  )
  return loading
}

