import { createRequire } from 'node:module'
import type { WebClient } from '@slack/web-api'

/** What to do when `@slack/web-api` is missing. */
export const webApiInstallAdvice = 'install @slack/web-api (npm i @slack/web-api) to post with a bot token, or post through an incoming webhook (webhookUrl)'

const requireFromHere = createRequire(import.meta.url)

/**
 * True when `@slack/web-api` (an optional peer dependency, needed only for the Web API
 * mode) can be found from this package, the way the dynamic `import()` that loads it
 * will look for it.
 */
export function isWebApiInstalled(): boolean {
  try {
    requireFromHere.resolve('@slack/web-api')
    return true
  } catch {
    return false
  }
}

let loading: Promise<typeof WebClient> | null = null

/** The `WebClient` class, imported on first use (webhook users never load the Web API client). */
export function loadWebApiClient(): Promise<typeof WebClient> {
  loading ??= import('@slack/web-api').then(
    (module) => module.WebClient,
    (error: unknown) => {
      loading = null // tried again by the next delivery
      throw error
    },
  )
  return loading
}
