import { AlertDeliveryError, ValidationError, type Alert, type AlertChannelV1, type AlertDeliveryOptions } from '@cam/core'
import { parseOptions } from '@cam/core/adapter-kit'
import { IncomingWebhook } from '@slack/webhook'
import { z } from 'zod'
import { renderSlackAlertMessage, type SlackAlertMessage } from './slack-alert-message.js'
import { isWebApiInstalled, loadWebApiClient, webApiInstallAdvice } from './slack-web-api-client.js'
import { toWebApiDeliveryError, toWebhookDeliveryError } from './slack-delivery-error.js'

/** Options shared by both ways of posting. */
export interface SlackAlertsCommonOptions {
  /** Channel name, unique among the worker's channels (default `slack`). */
  name?: string | undefined
  /**
   * Link back to the host app: a fixed URL, or a function of the alert (e.g. the
   * lead's page). Only http(s) URLs are linked.
   */
  appUrl?: string | ((alert: Alert) => string | undefined) | undefined
  /** Request timeout in milliseconds (default 10 000). */
  timeoutMs?: number | undefined
}

/** Post through an incoming webhook (a Slack app's "Incoming Webhooks" feature). */
export interface SlackWebhookAlertsOptions extends SlackAlertsCommonOptions {
  /** `https://hooks.slack.com/services/…`. A secret: never logged, never in error messages. */
  webhookUrl: string
  token?: never
  channel?: never
}

/**
 * Post with the Web API (`chat.postMessage`), as a bot. Needs the optional peer
 * dependency `@slack/web-api` (`npm i @slack/web-api`).
 */
export interface SlackWebApiAlertsOptions extends SlackAlertsCommonOptions {
  /** Bot token (`xoxb-…`) with the `chat:write` scope. */
  token: string
  /** Channel id (`C0123456789`) or name (`#sales`); the bot must be a member. */
  channel: string
  /** Web API base URL (default `https://slack.com/api/`). */
  slackApiUrl?: string | undefined
  webhookUrl?: never
}

/** Options of {@link createSlackAlerts}: either `webhookUrl`, or `token` + `channel`. */
export type SlackAlertsOptions = SlackWebhookAlertsOptions | SlackWebApiAlertsOptions

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

function safeLink(url: string | undefined): string | undefined {
  return isHttpUrl(url) ? new URL(url).href : undefined
}

/** A signal that aborts when any of `signals` does (AbortSignal.any needs Node ≥ 20.3). */
function anySignal(signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined)
  if (present.length <= 1) return present[0]
  const controller = new AbortController()
  for (const signal of present) {
    if (signal.aborted) {
      controller.abort(signal.reason)
      break
    }
    signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true })
  }
  return controller.signal
}

/** A string field every problem of which gets the same message (the value is never echoed: it may be a secret). */
const checkedString = (message: string, check: (value: string) => boolean) => z.string({ error: message }).refine(check, { error: message })

/** The options as {@link createSlackAlerts} checks them; the webhook URL and the token are never echoed. */
const optionsSchema = z
  .object({
    webhookUrl: checkedString('expected an https URL like https://hooks.slack.com/services/…', isHttpUrl).optional(),
    token: checkedString('expected a Slack bot token (xoxb-…) with the chat:write scope', (token) => /^xox[a-z]-\S+$/.test(token)).optional(),
    channel: checkedString('expected a channel id (C0123456789) or name (#sales)', (channel) => channel.trim() !== '').optional(),
    slackApiUrl: checkedString('expected an http(s) URL such as https://slack.com/api/', isHttpUrl).optional(),
    name: checkedString('expected a non-empty string', (name) => name.trim() !== '').optional(),
    appUrl: z
      .custom<string | ((alert: Alert) => string | undefined)>((value) => typeof value === 'function' || isHttpUrl(value), {
        abort: false,
        error: 'expected an http(s) URL or a function (alert) => URL',
      })
      .optional(),
    timeoutMs: z
      .number({ error: 'expected a number of milliseconds greater than 0' })
      .refine((ms) => Number.isFinite(ms) && ms > 0, { error: 'expected a number of milliseconds greater than 0' })
      .optional(),
  })
  .superRefine(
    (options, context) => {
      // Runs even when a field is invalid (`when`), so a missing mode is reported with the rest.
      const hasWebhook = options.webhookUrl !== undefined
      const hasToken = options.token !== undefined
      if (hasWebhook && hasToken) {
        context.addIssue({ code: 'custom', path: ['webhookUrl'], message: 'give either webhookUrl or token + channel, not both' })
      } else if (!hasWebhook && !hasToken) {
        context.addIssue({
          code: 'custom',
          path: ['webhookUrl'],
          message: 'expected an incoming webhook URL (https://hooks.slack.com/services/…), or token + channel for the Web API',
        })
      }
      if (hasToken && options.channel === undefined) {
        context.addIssue({ code: 'custom', path: ['channel'], message: 'expected a channel id (C0123456789) or name (#sales)' })
      }
      if (hasToken && !hasWebhook && !isWebApiInstalled()) context.addIssue({ code: 'custom', path: ['token'], message: webApiInstallAdvice })
    },
    { when: () => true },
  )

/**
 * Creates a CAM {@link AlertChannelV1} that posts alerts to Slack, through an incoming
 * webhook (`webhookUrl`) or the Web API (`token` + `channel`, `chat.postMessage`), with
 * the official `@slack/webhook` / `@slack/web-api` packages. `@slack/web-api` is an
 * optional peer dependency, loaded only in Web API mode: without it, `{ token, channel }`
 * fails here with a `ValidationError` saying what to install.
 *
 * The message is Block Kit: what happened, the lead and campaign, the reply excerpt,
 * why, and a link back to the host app when `appUrl` is set. Every alert field is
 * escaped for mrkdwn (`&`, `<`, `>`), so a reply containing `<!channel>` or `<@U123>`
 * pings nobody; long text is cut to Slack's block limits; link unfurling is off.
 *
 * Failures throw `AlertDeliveryError`: with `retryAfterMs` when Slack answers 429,
 * `permanent` when the webhook, token or channel is wrong. Slack does not deduplicate
 * messages, so the worker's per-channel delivery record is what keeps alerts to one
 * message each; only a timeout after Slack already posted can produce a repeat.
 *
 * @throws ValidationError listing every invalid option (never echoing the webhook URL or token).
 *
 * ```ts
 * createSlackAlerts({ webhookUrl: process.env.SLACK_WEBHOOK_URL! })
 * createSlackAlerts({ token: process.env.SLACK_BOT_TOKEN!, channel: process.env.SLACK_CHANNEL! })
 * ```
 */
export function createSlackAlerts(options: SlackAlertsOptions): AlertChannelV1 {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('Slack alert options', [{ path: '', message: 'expected { webhookUrl } or { token, channel }' }], { code: 'CONFIG_INVALID' })
  }
  const settings = parseOptions(optionsSchema, options, 'Slack alert options')
  const timeoutMs = settings.timeoutMs ?? 10_000
  const appUrl = settings.appUrl

  const linkFor = (alert: Alert): string | undefined => {
    try {
      return safeLink(typeof appUrl === 'function' ? appUrl(alert) : appUrl)
    } catch (error) {
      throw new AlertDeliveryError('appUrl(alert) threw', { cause: error })
    }
  }

  const post: (message: SlackAlertMessage, signal: AbortSignal | undefined) => Promise<void> =
    settings.webhookUrl !== undefined
      ? (() => {
          const webhookUrl = settings.webhookUrl
          return async (message, signal) => {
            let retryAfter: string | null = null
            const webhook = new IncomingWebhook(webhookUrl, {
              timeout: timeoutMs,
              retryConfig: { retries: 0 },
              fetch: async (url, init) => {
                const response = await fetch(url, { ...init, signal: anySignal([init?.signal, signal]) ?? null })
                retryAfter = response.headers.get('retry-after')
                return response
              },
            })
            try {
              await webhook.send(message)
            } catch (error) {
              throw toWebhookDeliveryError(error, retryAfter, signal?.aborted ?? false)
            }
          }
        })()
      : (() => {
          const token = settings.token as string
          const channel = settings.channel as string
          const slackApiUrl = settings.slackApiUrl
          return async (message, signal) => {
            const WebClient = await loadWebApiClient()
            const client = new WebClient(token, {
              ...(slackApiUrl === undefined ? {} : { slackApiUrl: slackApiUrl.endsWith('/') ? slackApiUrl : `${slackApiUrl}/` }),
              timeout: timeoutMs,
              retryConfig: { retries: 0 },
              rejectRateLimitedCalls: true,
              // The SDK's own logger would print request bodies at debug level; keep it quiet.
              logger: { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => 'error' as never, setName() {} },
              fetch: (url, init) => fetch(url, { ...init, signal: anySignal([init?.signal, signal]) ?? null }),
            })
            try {
              await client.chat.postMessage({ channel, ...message })
            } catch (error) {
              throw toWebApiDeliveryError(error, signal?.aborted ?? false)
            }
          }
        })()

  return {
    name: settings.name ?? 'slack',
    async deliver(alert: Alert, deliveryOptions: AlertDeliveryOptions): Promise<void> {
      if (deliveryOptions?.signal?.aborted) throw new AlertDeliveryError('Slack delivery aborted', { cause: deliveryOptions.signal.reason })
      const message = renderSlackAlertMessage(alert, linkFor(alert))
      await post(message, deliveryOptions?.signal)
    },
  }
}
