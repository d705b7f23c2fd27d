/**
 * Event counters kept per campaign and day (UTC). Stores update them in the same
 * transaction as the event, so computing metrics never scans history.
 */
export interface MetricCounts {
  /** Emails accepted by the sender. */
  sent: number
  /** Human replies (positive, question, referral, negative, unsubscribe, unknown). */
  replied: number
  positive: number
  negative: number
  /** Bounces of every type. */
  bounced: number
  hardBounced: number
  softBounced: number
  blocked: number
  unsubscribed: number
  complained: number
  outOfOffice: number
  autoReplies: number
  /** Emails that failed permanently at the sender (or that the provider reported as failed). */
  failed: number
  /** Emails the provider reported delivered (accepted by the receiving server) and that did not bounce since. */
  delivered: number
  /** Emails whose delivery the provider reported delayed (retried by it). */
  delayed: number
  /** Emails the provider did not send because the address is on its own suppression list. */
  providerSuppressed: number
}

/** A counter name. */
export type MetricName = keyof MetricCounts

/** Zeroed counters. */
export function emptyMetricCounts(): MetricCounts {
  return {
    sent: 0,
    replied: 0,
    positive: 0,
    negative: 0,
    bounced: 0,
    hardBounced: 0,
    softBounced: 0,
    blocked: 0,
    unsubscribed: 0,
    complained: 0,
    outOfOffice: 0,
    autoReplies: 0,
    failed: 0,
    delivered: 0,
    delayed: 0,
    providerSuppressed: 0,
  }
}

/** Every counter name. */
export const metricNames = Object.keys(emptyMetricCounts()) as MetricName[]

/** Rates derived from counts (each `count / sent`, 0 when nothing was sent). */
export interface MetricRates {
  replyRate: number
  positiveRate: number
  negativeRate: number
  bounceRate: number
  unsubscribeRate: number
  complaintRate: number
  /** `delivered / sent`: meaningful when the provider reports deliveries (webhooks), 0 otherwise. */
  deliveryRate: number
  /** `blocked / sent`: policy or reputation rejections (5.7.x). */
  blockRate: number
}

/** Counts and rates over one period. */
export interface MetricPeriod {
  counts: MetricCounts
  rates: MetricRates
}

/** Metrics of one campaign, lifetime and over the recent window. */
export interface CampaignMetrics {
  campaignId: string
  lifetime: MetricPeriod
  /** The last `windowDays` days (including today). */
  window: MetricPeriod & { days: number; since: Date }
  /** Leads per state. */
  leads: Partial<Record<string, number>>
  computedAt: Date
}

/** Computes rates from counts. */
export function metricRates(counts: MetricCounts): MetricRates {
  const rate = (n: number) => (counts.sent > 0 ? n / counts.sent : 0)
  return {
    replyRate: rate(counts.replied),
    positiveRate: rate(counts.positive),
    negativeRate: rate(counts.negative),
    bounceRate: rate(counts.bounced),
    unsubscribeRate: rate(counts.unsubscribed),
    complaintRate: rate(counts.complained),
    deliveryRate: rate(counts.delivered),
    blockRate: rate(counts.blocked),
  }
}

/** Adds `b` into a copy of `a`. */
export function addMetricCounts(a: MetricCounts, b: Partial<MetricCounts>): MetricCounts {
  const out = { ...a }
  for (const name of metricNames) out[name] += b[name] ?? 0
  return out
}
