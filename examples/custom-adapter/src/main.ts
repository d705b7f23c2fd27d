/**
 * Sends one sample alert through the Teams adapter:
 *   TEAMS_WEBHOOK_URL=https://… pnpm --filter @cam/example-custom-adapter start
 */
import { env, readEnvironment } from '@cam/core'
import { createTeamsAlerts } from './create-teams-alerts.js'

const { TEAMS_WEBHOOK_URL } = readEnvironment(process.env, { TEAMS_WEBHOOK_URL: env.url({ protocols: ['https:'], secret: true }) })
const channel = createTeamsAlerts({ webhookUrl: TEAMS_WEBHOOK_URL })
await channel.deliver(
  {
    id: 'sample',
    kind: 'reply',
    title: 'Positive reply from Lee Prospect (Prospect Inc)',
    campaignId: null,
    campaignName: 'Sample campaign',
    leadId: null,
    leadEmail: 'lee@prospect.example',
    leadName: 'Lee Prospect',
    category: 'positive',
    subject: 'Re: Quick question',
    excerpt: 'Sounds good — can we talk on Tuesday?',
    reason: 'sample alert from the custom-adapter example',
    messageId: null,
    createdAt: new Date(),
  },
  { idempotencyKey: `sample-${Date.now()}` },
)
console.log('sample alert delivered')
