import { compile } from 'html-to-text'

/** HTML longer than this is cut before conversion (the reply is at the top; conversion time grows with size). */
export const maxHtmlToTextLength = 512 * 1024

let convert: ((html: string) => string) | null = null

function converter(): (html: string) => string {
  convert ??= compile({
    wordwrap: false,
    preserveNewlines: false,
    limits: { maxDepth: 200, maxChildNodes: 20_000, ellipsis: '…' },
    selectors: [
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'head', format: 'skip' },
      { selector: 'h1', options: { uppercase: false } },
      { selector: 'h2', options: { uppercase: false } },
      { selector: 'h3', options: { uppercase: false } },
      { selector: 'h4', options: { uppercase: false } },
      { selector: 'h5', options: { uppercase: false } },
      { selector: 'h6', options: { uppercase: false } },
    ],
  })
  return convert
}

/** Result of {@link htmlToPlainText}. */
export interface PlainTextConversion {
  text: string
  /** True when the HTML was longer than {@link maxHtmlToTextLength} and only its start was converted. */
  truncated: boolean
}

/** Converts HTML to readable plain text (`html-to-text`), links without their URLs, images skipped. */
export function htmlToPlainText(html: string): PlainTextConversion {
  const truncated = html.length > maxHtmlToTextLength
  const input = truncated ? html.slice(0, maxHtmlToTextLength) : html
  return { text: converter()(input).replace(/\n{3,}/g, '\n\n').trim(), truncated }
}

/**
 * Where quoted history starts in a reply's HTML, as marked by the mail clients: Gmail's
 * `gmail_quote`, Outlook's `divRplyFwdMsg`/`appendonsend`/`stopSpelling` and its
 * top-bordered header block, Apple Mail's and Thunderbird's `blockquote type="cite"` and
 * `moz-cite-prefix`, Yahoo's `yahoo_quoted`, Proton's `protonmail_quote`, Zoho's
 * `zmail_extra` — or any `blockquote` as a last resort.
 */
const quotedHtmlMarkers: readonly RegExp[] = [
  /<div[^>]*\bclass\s*=\s*["']?[^"'>]*\b(?:gmail_quote|gmail_extra|gmail_signature|moz-cite-prefix|yahoo_quoted|protonmail_quote|zmail_extra|ms-outlook-mobile-reference-message|OutlookMessageHeader|x_gmail_quote)\b/i,
  /<(?:div|span)[^>]*\bid\s*=\s*["']?(?:appendonsend|divRplyFwdMsg|x_divRplyFwdMsg|mail-editor-reference-message-container|reply-intro|OLK_SRC_BODY_SECTION|ydp[0-9a-f]+yahoo_quoted_[0-9]+)\b/i,
  /<hr[^>]*\bid\s*=\s*["']?stopSpelling\b/i,
  /<div[^>]*\bstyle\s*=\s*["'][^"']*border:\s*none;\s*border-top:\s*solid\s+#?[a-z0-9]+\s+1\.0pt/i,
  /<blockquote[^>]*\btype\s*=\s*["']?cite\b/i,
]

const anyBlockquote = /<blockquote\b/i

/**
 * Cuts a reply's HTML where quoted history starts (see the markers above). Returns the
 * HTML unchanged when no marker is found.
 */
export function cutQuotedHtml(html: string): string {
  let cut = -1
  for (const marker of quotedHtmlMarkers) {
    const match = marker.exec(html)
    if (match && (cut < 0 || match.index < cut)) cut = match.index
  }
  if (cut < 0) cut = anyBlockquote.exec(html)?.index ?? -1
  return cut < 0 ? html : html.slice(0, cut)
}
