import { computeCampaignMetrics } from '../../metrics/compute-campaign-metrics.js'
import type { WorkerStep } from '../step.js'
import type { WorkerRuntime } from '../worker-runtime.js'

/**
 * Step 5 — metrics: per-campaign counts and rates, lifetime and over the recent
 * window, from counters the store keeps per day — the cost grows with the number of
 * campaigns, not with the emails ever sent. Reported as `metrics:computed`.
 */
export function createMetricsStep(runtime: WorkerRuntime): WorkerStep {
  return {
    name: 'metrics',
    leader: true,
    async run(context) {
      const campaigns = await context.store.listCampaigns({ statuses: ['active', 'paused'] })
      const metrics = await computeCampaignMetrics(
        context.store,
        campaigns.map((c) => c.id),
        { now: context.now, windowDays: runtime.config.metricsWindowDays },
      )
      runtime.emit('metrics:computed', { metrics })
      return { campaigns: metrics.length }
    },
  }
}
