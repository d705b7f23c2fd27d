import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { replyCategories, type ReplyCategory } from '../domain/classification.js'
import { ValidationError } from '../errors/validation-error.js'
import { bounceActionsSchema } from '../policy/bounce-actions.js'
import { defaultAlertCategories } from '../policy/follow-up-policy.js'
import { zodIssues } from '../util/zod-issues.js'

const positiveInt = (what: string) => z.number({ error: `expected ${what}` }).int({ message: `expected ${what}` }).positive({ message: `expected ${what}` })

/**
 * Longest delay Node.js timers accept: 2³¹−1 ms (about 24.8 days). A longer `setTimeout`
 * fires after 1 ms instead, so every duration CAM waits on is capped here.
 */
export const maxTimerDelayMs = 2_147_483_647

/** The error message of a duration above {@link maxTimerDelayMs}. */
export const maxTimerDelayMessage = `expected at most ${maxTimerDelayMs} ms (about 24.8 days)`

/** A whole, positive number of milliseconds, at most {@link maxTimerDelayMs}. */
const milliseconds = () => positiveInt('a positive number of milliseconds').max(maxTimerDelayMs, { message: maxTimerDelayMessage })

/** Unsubscribe links (RFC 8058 one-click) added to every email. */
export const unsubscribeConfigSchema = z.object({
  /** HMAC secret for the per-lead tokens (≥ 16 characters). Never logged. */
  secret: z.string({ error: 'expected a secret string' }).min(16, { message: 'expected at least 16 characters' }),
  /** Base URL of the host's unsubscribe endpoint; `?token=…` is appended. Must be https (http only for localhost). */
  url: z
    .string({ error: 'expected an https URL' })
    .url({ message: 'expected an https URL' })
    .refine((u) => u.startsWith('https://') || /^http:\/\/(localhost|127\.0\.0\.1)(:|\/)/.test(u), { message: 'expected an https URL' }),
  /** Optional `mailto:` address for clients that prefer it. */
  mailto: z.string().email({ message: 'expected an email address' }).optional(),
})

/**
 * Worker settings (all optional; defaults suit a worker woken every minute). Every
 * duration (`…Ms`) is a whole number of milliseconds from 1 to {@link maxTimerDelayMs};
 * a retry's base delay may not exceed its maximum.
 */
export const workerConfigSchema = z.object({
  /** Unique id of this worker (default: host-pid-random). */
  workerId: z.string().min(1).max(200).optional(),
  /** Sleep between cycles when nothing wakes the worker earlier (default 60 s). */
  intervalMs: milliseconds().default(60_000),
  /** Emails claimed per batch (default 50). */
  sendBatchSize: positiveInt('a positive integer').max(1000).default(50),
  /** Emails sent in parallel by one worker (default 4). */
  sendConcurrency: positiveInt('a positive integer').max(64).default(4),
  /** Upper bound of emails sent per cycle by one worker (default 1000). */
  maxSendsPerCycle: positiveInt('a positive integer').default(1000),
  /** How long a claim holds before a crashed worker's work is recovered (default 5 min). */
  claimTtlMs: milliseconds().default(5 * 60_000),
  /** Attempts before an email fails for good (default 8). */
  maxSendAttempts: positiveInt('a positive integer').max(100).default(8),
  /** First retry delay after a retryable send error (default 1 min, doubling). */
  sendRetryBaseMs: milliseconds().default(60_000),
  /** Longest retry delay (default 6 h). */
  sendRetryMaxMs: milliseconds().default(6 * 3_600_000),
  /** Messages fetched per cycle and inbox (default 500). */
  pollLimit: positiveInt('a positive integer').default(500),
  /** Messages processed per batch (default 100). */
  processBatchSize: positiveInt('a positive integer').max(1000).default(100),
  /**
   * Failed processing attempts of one message before it is quarantined (default 5): set
   * aside with its last error, a `message:failed` event, and left for a human
   * (`client.retryQuarantinedMessage`) — the other messages flow on. Failures caused by
   * a store outage do not count.
   */
  maxMessageAttempts: positiveInt('a positive integer').max(100).default(5),
  /** First retry delay of a message whose processing failed (default 30 s, doubling up to `messageRetryMaxMs`). */
  messageRetryBaseMs: milliseconds().default(30_000),
  /** Longest retry delay of a message (default 1 h). */
  messageRetryMaxMs: milliseconds().default(3_600_000),
  /** Lease TTL for leader-only steps (default 2 min; renewed every cycle). */
  leaseTtlMs: milliseconds().default(120_000),
  /** Categories that page a human (default positive, question, referral). */
  alertCategories: z.array(z.enum(replyCategories as [ReplyCategory, ...ReplyCategory[]])).default([...defaultAlertCategories]),
  /** Deliver alerts at all (default true). */
  alertsEnabled: z.boolean().default(true),
  /** First alert retry delay (default 30 s, doubling up to `alertRetryMaxMs`). */
  alertRetryBaseMs: milliseconds().default(30_000),
  /** Longest alert retry delay (default 1 h). */
  alertRetryMaxMs: milliseconds().default(3_600_000),
  /** Timeout of one alert delivery (default 15 s). */
  alertTimeoutMs: milliseconds().default(15_000),
  /**
   * First webhook retry delay (default 30 s, doubling up to `webhookRetryMaxMs`, ±20% jitter;
   * a longer `Retry-After` wins). Each endpoint gives a delivery up after its `giveUpAfterMs`.
   */
  webhookRetryBaseMs: milliseconds().default(30_000),
  /** Longest webhook retry delay (default 1 h). */
  webhookRetryMaxMs: milliseconds().default(3_600_000),
  /**
   * What a bounce does to its lead, per reason (`suppress`, `stop` or `retry`; see
   * `BounceAction`). Missing reasons take `defaultBounceActions`: suppress on user unknown,
   * host unknown, has moved and not accepted, retry everything else.
   */
  bounceActions: bounceActionsSchema.optional(),
  /** Out-of-office without a return date pauses the lead this many days (default 7). */
  outOfOfficeDefaultDays: z.number().min(0).max(90).default(7),
  /** Window of the recent metrics, in days (default 7). */
  metricsWindowDays: positiveInt('a positive integer').max(365).default(7),
  /** Minimum classifier confidence to act on a category; below it the message is `unknown` (default 0.5). */
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** Unsubscribe links; omitted = no `List-Unsubscribe` header. */
  unsubscribe: unsubscribeConfigSchema.optional(),
  /** Stop on SIGTERM/SIGINT while `start()` runs (default true). */
  stopOnSignals: z.boolean().default(true),
})
  .check((context) => {
    const config = context.value
    const ordered: Array<[base: 'sendRetryBaseMs' | 'alertRetryBaseMs' | 'messageRetryBaseMs' | 'webhookRetryBaseMs', max: 'sendRetryMaxMs' | 'alertRetryMaxMs' | 'messageRetryMaxMs' | 'webhookRetryMaxMs']> = [
      ['sendRetryBaseMs', 'sendRetryMaxMs'],
      ['alertRetryBaseMs', 'alertRetryMaxMs'],
      ['messageRetryBaseMs', 'messageRetryMaxMs'],
      ['webhookRetryBaseMs', 'webhookRetryMaxMs'],
    ]
    for (const [base, max] of ordered) {
      if (Number.isInteger(config[base]) && Number.isInteger(config[max]) && config[max] < config[base]) {
        context.issues.push({ code: 'custom', input: config[max], path: [max], message: `expected at least ${base} (${config[base]} ms)` })
      }
    }
  })

/** Worker settings as given. */
export type WorkerConfigInput = z.input<typeof workerConfigSchema>
/** Worker settings with defaults applied. */
export type WorkerConfig = z.output<typeof workerConfigSchema> & { workerId: string }

/** Validates worker settings; throws a `ValidationError` listing every bad field. */
export function resolveWorkerConfig(input: WorkerConfigInput = {}): WorkerConfig {
  const parsed = workerConfigSchema.safeParse(input)
  if (!parsed.success) throw new ValidationError('worker config', zodIssues(parsed.error), { code: 'CONFIG_INVALID' })
  return { ...parsed.data, workerId: parsed.data.workerId ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}` }
}
