import { type Alert } from '@cam/core'
import { toSingleLine } from '@cam/core/adapter-kit'

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => {
    switch (character) {
      case '&':
        return '&amp;'
      case '<':
        return '&lt;'
      case '>':
        return '&gt;'
      case '"':
        return '&quot;'
      default:
        return '&#39;'
    }
  })
}

/** Cuts `text` to `max` characters (never inside a surrogate pair), marking the cut. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const code = text.charCodeAt(end - 1)
  if (code >= 0xd800 && code <= 0xdbff) end -= 1
  return `${text.slice(0, end)}…`
}

/** One line: line breaks and tabs become spaces, other control characters go (`toSingleLine`), whitespace runs collapse. */
export function singleLine(text: string): string {
  return toSingleLine(text).replace(/\s+/g, ' ')
}

/** An http(s) URL, or `undefined` for anything else (`javascript:`, garbage). */
export function safeLink(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

/** The rendered alert email. */
export interface AlertEmail {
  subject: string
  text: string
  html: string
}

const headings: Record<Alert['kind'], string> = {
  reply: 'New reply',
  campaign_paused: 'Campaign paused',
  mailbox_paused: 'Mailbox paused',
  email_in_doubt: 'Email needs a human check',
}

/**
 * Renders an alert as a plain-text + HTML email. Every alert field is
 * attacker-controlled: the text part shows it verbatim, the HTML part escapes it, the
 * subject is one line.
 */
export function renderAlertEmail(alert: Alert, options: { subjectPrefix: string; link: string | undefined; maxExcerptLength: number }): AlertEmail {
  const heading = alert.kind === 'reply' && alert.category ? `New ${alert.category.replace(/_/g, ' ')} reply` : headings[alert.kind]
  const lead =
    alert.leadName && alert.leadEmail ? `${alert.leadName} <${alert.leadEmail}>` : (alert.leadName ?? alert.leadEmail ?? undefined)
  const rows: Array<[string, string]> = []
  if (lead !== undefined) rows.push(['Lead', lead])
  if (alert.campaignName !== null) rows.push(['Campaign', alert.campaignName])
  if (alert.category !== null) rows.push(['Category', alert.category])
  if (alert.subject !== null) rows.push(['Subject', alert.subject])
  if (alert.reason !== null) rows.push(['Why', alert.reason])
  const excerpt = alert.excerpt === null ? undefined : cut(alert.excerpt, options.maxExcerptLength)
  const title = cut(singleLine(alert.title), 2_000)
  const footer = `Sent by CAM · alert ${alert.id} · ${alert.createdAt.toISOString()}`

  const text = [
    `${heading}: ${title}`,
    '',
    // One line per field: a value with line breaks could print fake fields below it.
    ...rows.map(([label, value]) => `${label}: ${cut(singleLine(value), 2_000)}`),
    ...(excerpt === undefined ? [] : ['', 'Reply:', ...excerpt.split(/\r?\n/).map((line) => `> ${line}`)]),
    ...(options.link === undefined ? [] : ['', `Open: ${options.link}`]),
    '',
    '-- ',
    footer,
    '',
  ].join('\n')

  const cell = 'padding:4px 12px 4px 0;vertical-align:top'
  const html = [
    '<!doctype html>',
    '<html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1d1d1f">',
    `<p style="margin:0 0 4px;color:#6e6e73">${escapeHtml(heading)}</p>`,
    `<h2 style="margin:0 0 12px;font-size:18px">${escapeHtml(title)}</h2>`,
    rows.length === 0
      ? ''
      : `<table role="presentation" style="border-collapse:collapse">${rows
          .map(([label, value]) => `<tr><th align="left" style="${cell}">${escapeHtml(label)}</th><td style="${cell}">${escapeHtml(cut(singleLine(value), 2_000))}</td></tr>`)
          .join('')}</table>`,
    excerpt === undefined
      ? ''
      : `<blockquote style="margin:16px 0;padding:8px 12px;border-left:3px solid #c7c7cc;white-space:pre-wrap">${escapeHtml(excerpt)}</blockquote>`,
    options.link === undefined ? '' : `<p><a href="${escapeHtml(options.link)}">Open in your app</a></p>`,
    `<p style="margin-top:24px;color:#8e8e93;font-size:12px">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('\n')

  const subject = cut(singleLine(`${options.subjectPrefix ? `${options.subjectPrefix} ` : ''}${heading}: ${alert.title}`), 250)
  return { subject, text, html }
}
