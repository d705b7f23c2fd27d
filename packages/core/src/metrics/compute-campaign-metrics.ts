import { metricRates, type CampaignMetrics } from '../domain/metrics.js'
import type { StoreV1 } from '../ports/store-v1.js'
import { utcDayKeyDaysBefore } from '../util/day-key.js'

/**
 * Metrics of campaigns from the store's per-day counters: lifetime and over the last
 * `windowDays` UTC days (today included). Never scans emails or messages; lead
 * counts per state are added only when asked (they cost a count per campaign).
 */
export async function computeCampaignMetrics(
  store: StoreV1,
  campaignIds: string[],
  options: { now: Date; windowDays: number; withLeadCounts?: boolean },
): Promise<CampaignMetrics[]> {
  if (campaignIds.length === 0) return []
  const sinceDay = utcDayKeyDaysBefore(options.now, options.windowDays - 1)
  const counters = await store.getCampaignCounters({ campaignIds, sinceDay })
  const since = new Date(`${sinceDay}T00:00:00.000Z`)
  return Promise.all(
    counters.map(async (c) => ({
      campaignId: c.campaignId,
      lifetime: { counts: c.lifetime, rates: metricRates(c.lifetime) },
      window: { counts: c.window, rates: metricRates(c.window), days: options.windowDays, since },
      leads: options.withLeadCounts ? await store.countLeadsByState(c.campaignId) : {},
      computedAt: options.now,
    })),
  )
}
