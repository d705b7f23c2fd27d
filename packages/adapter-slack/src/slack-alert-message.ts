import { type Alert } from '@cam/core'
import { sanitizeText, toSingleLine } from '@cam/core/adapter-kit'
import { escapeMrkdwn, fitMrkdwn } from './escape-mrkdwn.js'

/** A Block Kit text object. */
export interface SlackTextObject {
  type: 'mrkdwn' | 'plain_text'
  text: string
  /** mrkdwn only: `true` stops Slack from auto-linking URLs and channel names and parsing bare mentions. */
  verbatim?: boolean
  /** plain_text only. */
  emoji?: boolean
}

/** The Block Kit blocks CAM's alert messages use. */
export type SlackBlock =
  | { type: 'header'; text: SlackTextObject }
  | { type: 'section'; text?: SlackTextObject; fields?: SlackTextObject[] }
  | { type: 'context'; elements: SlackTextObject[] }
  | { type: 'divider' }

/** A message for an incoming webhook or `chat.postMessage`. */
export interface SlackAlertMessage {
  /** Fallback text for notifications and clients without blocks (mrkdwn, escaped). */
  text: string
  blocks: SlackBlock[]
  /** Never unfurl links from a prospect's reply: unfurling fetches attacker-chosen URLs. */
  unfurl_links: false
  unfurl_media: false
}

/** Slack Block Kit limits (docs.slack.dev/reference/block-kit). */
export const slackLimits = {
  /** Characters of a section's text or any text object. */
  sectionText: 3000,
  /** Characters of a section field. */
  field: 2000,
  /** Characters of a header block's plain_text. */
  header: 150,
} as const

const mrkdwn = (text: string): SlackTextObject => ({ type: 'mrkdwn', text, verbatim: true })

function heading(alert: Alert): string {
  if (alert.kind === 'campaign_paused') return 'Campaign paused'
  if (alert.kind === 'mailbox_paused') return 'Mailbox paused'
  if (alert.kind === 'email_in_doubt') return 'Email needs a human check'
  return alert.category ? `New ${alert.category.replace(/_/g, ' ')} reply` : 'New reply'
}

/** Slack's link syntax `<url|label>` with the URL's own control characters neutralised. */
function link(url: string, label: string): string {
  const safeUrl = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C')
  return `<${safeUrl}|${escapeMrkdwn(label)}>`
}

/**
 * Renders an alert as a Block Kit message: what happened, the lead and campaign, the
 * reply excerpt (quoted), why, and a link back to the host app. Every alert field is
 * escaped for mrkdwn (`&`, `<`, `>`), every text object is `verbatim`, and every text
 * is cut to Slack's block limits (3 000 characters per section, 2 000 per field).
 * Single-line fields (title, lead, campaign, subject, category, reason) are folded to one
 * line without control characters (`toSingleLine` from `@cam/core`), so a subject holding
 * `\n*Category* Positive` cannot print a fake field; the excerpt keeps its lines, each quoted.
 * `appLink` must already be a checked http(s) URL.
 */
export function renderSlackAlertMessage(alert: Alert, appLink: string | undefined): SlackAlertMessage {
  const label = heading(alert)
  const title = toSingleLine(alert.title)
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: label.slice(0, slackLimits.header), emoji: true } },
    { type: 'section', text: mrkdwn(`*${fitMrkdwn(title, slackLimits.sectionText - 2)}*`) },
  ]
  const fields: SlackTextObject[] = []
  const field = (name: string, value: string) => mrkdwn(`*${name}*\n${fitMrkdwn(toSingleLine(value), slackLimits.field - name.length - 3)}`)
  const lead = alert.leadName && alert.leadEmail ? `${alert.leadName} (${alert.leadEmail})` : (alert.leadName ?? alert.leadEmail)
  if (lead) fields.push(field('Lead', lead))
  if (alert.campaignName) fields.push(field('Campaign', alert.campaignName))
  if (alert.subject) fields.push(field('Subject', alert.subject))
  if (alert.category) fields.push(field('Category', alert.category))
  if (fields.length > 0) blocks.push({ type: 'section', fields })
  if (alert.excerpt) {
    const prefix = '*Reply*\n'
    blocks.push({ type: 'section', text: mrkdwn(prefix + fitMrkdwn(sanitizeText(alert.excerpt), slackLimits.sectionText - prefix.length, '>')) })
  }
  if (alert.reason) blocks.push({ type: 'context', elements: [mrkdwn(`Why: ${fitMrkdwn(toSingleLine(alert.reason), slackLimits.sectionText - 5)}`)] })
  if (appLink) blocks.push({ type: 'section', text: mrkdwn(link(appLink, 'Open in your app →')) })
  blocks.push({ type: 'context', elements: [mrkdwn(fitMrkdwn(`CAM · alert ${alert.id} · ${alert.createdAt.toISOString()}`, slackLimits.sectionText))] })

  return {
    text: fitMrkdwn(`${label}: ${title}`, slackLimits.sectionText),
    blocks,
    unfurl_links: false,
    unfurl_media: false,
  }
}
