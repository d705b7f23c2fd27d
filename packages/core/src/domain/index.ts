// The domain as the public API shows it: every type, and the values a host app reads
// (state sets, categories, defaults, address rules). The text rules and metric counters
// adapters use are in `@cam/core/adapter-kit`. The zod schemas that validate input stay
// inside the package.
export type * from './campaign.js'
export type * from './lead.js'
export type * from './outbound-email.js'
export type * from './inbound-message.js'
export type * from './classification.js'
export type * from './alert.js'
export type * from './suppression.js'
// Named, not `export type *`: the declaration bundler turns `export type *` into value exports.
export type { MetricCounts, MetricName, MetricRates, MetricPeriod, CampaignMetrics } from './metrics.js'
export type * from './heartbeat.js'
export { defaultCampaignRules, isTimezone } from './campaign.js'
export { leadStates, openLeadStates, sendableLeadStates } from './lead.js'
export { replyCategories } from './classification.js'
export { isEmailAddress, normalizeEmail } from './email-address.js'
