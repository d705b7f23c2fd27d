import {
  disclaimerPattern,
  forwardedMessagePatterns,
  headerBlockFieldPattern,
  headerBlockFromPattern,
  isValedictionLine,
  mobileSignaturePattern,
  originalMessageSeparatorPatterns,
  replyHeaderPatterns,
} from './quote-markers.js'

/** Options for {@link extractReplyText}. */
export interface ExtractReplyTextOptions {
  /**
   * Only the first this many characters of the body are read (replies are short; the
   * quoted history below them can be huge). Default 100 000.
   */
  maxInputLength?: number
  /** Remove the signature (after `-- `, a closing formula or a mobile footer). Default true. */
  removeSignature?: boolean
  /**
   * The sender's display name (`From: Hannah Scott <…>`). A line that is just this name
   * or its first word ("Hannah", "- Hannah Scott") after the reply's first line starts the
   * signature, so a booking link or job title under it is not read as the reply.
   */
  senderName?: string
}

const quotedLinePattern = /^[ \t]*>/

/**
 * Returns only what the sender wrote now, from a plain-text reply body: everything from
 * the first quote header ("On … wrote:", "Am … schrieb …:", "Le … a écrit :", "El …
 * escribió:", "Em … escreveu:", "Op … schreef …:"), Outlook header block
 * ("From:/Sent:/To:/Subject:" and translations), "-----Original Message-----" rule or
 * forwarded block onward is dropped, remaining `>`-quoted lines are dropped (inline
 * answers between quotes are kept), and the signature and mail-gateway disclaimers are
 * removed. A bottom-posted reply (quote first, answer below) keeps the answer.
 */
export function extractReplyText(body: string, options: ExtractReplyTextOptions = {}): string {
  const maxInputLength = options.maxInputLength ?? 100_000
  const removeSignature = options.removeSignature ?? true
  const source = body.length > maxInputLength ? body.slice(0, maxInputLength) : body
  const lines = source
    .replace(/\r\n?/g, '\n')
    .replace(/[\u00a0\u2007\u202f]/g, ' ')
    .replace(/\u200b|\ufeff/g, '')
    .split('\n')

  const cut = findQuoteStart(lines)
  let kept: string[]
  if (cut === null) {
    kept = lines
  } else {
    kept = lines.slice(0, cut.index)
    if (!hasContent(kept.filter((line) => !quotedLinePattern.test(line)))) {
      // Bottom-posted: the answer is below the quoted block.
      kept = lines.slice(cut.index + cut.length).filter((line) => !quotedLinePattern.test(line))
      const again = findQuoteStart(kept)
      if (again !== null) kept = kept.slice(0, again.index)
    }
  }
  kept = kept.filter((line) => !quotedLinePattern.test(line))
  if (removeSignature) kept = cutSignature(kept, signatureNames(options.senderName))
  return tidy(kept)
}

interface QuoteStart {
  index: number
  /** How many lines the marker itself spans. */
  length: number
}

/** Index of the first line that starts quoted or forwarded material, or null. */
export function findQuoteStart(lines: readonly string[]): QuoteStart | null {
  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim()
    if (line === '') continue
    const lower = line.toLowerCase()
    if (lower.length <= 300) {
      if (originalMessageSeparatorPatterns.some((pattern) => pattern.test(lower))) return { index, length: 1 }
      if (forwardedMessagePatterns.some((pattern) => pattern.test(lower))) return { index, length: 1 }
      if (/^_{8,}$/.test(lower) && startsHeaderBlock(lines, index + 1)) return { index, length: 1 }
      if (startsHeaderBlock(lines, index)) return { index, length: 1 }
      if (/^(?:from|von|de|van)\s*:.{1,200}\b(?:sent|gesendet|envoy[ée]|enviado|enviada|verzonden|date|datum|fecha|data)\s*:/.test(lower)) {
        return { index, length: 1 }
      }
    }
    // "On … wrote:" may be wrapped over up to three lines by the client.
    let joined = ''
    for (let span = 1; span <= 3 && index + span - 1 < lines.length; span++) {
      const next = (lines[index + span - 1] ?? '').trim()
      if (span > 1 && (next === '' || quotedLinePattern.test(next))) break
      // A wrapped quote header does not end a sentence on its first line.
      if (span === 2 && /[.!?]$/.test(joined)) break
      const nextLower = next.toLowerCase()
      const start = joined
      joined = span === 1 ? nextLower : `${joined} ${nextLower}`
      if (joined.length > 400) break
      if (isReplyHeader(joined)) {
        // When the last joined line is a quote header by itself and the first does not start
        // like one, the quote starts at that line (Spark writes it right under the reply).
        if (span > 1 && isReplyHeader(nextLower) && (replyHeaderOpening.test(nextLower) || !startsLikeReplyHeader(start))) break
        return { index, length: span }
      }
    }
  }
  return null
}

const replyHeaderOpening = /^(?:on|am|le|el|em|op|no dia|às)\s/

/** The first line of a quote header that a client wrapped: "On Tue, Mar 4, 2025 at 10:11 AM Sam Carter <". */
function startsLikeReplyHeader(lower: string): boolean {
  return replyHeaderOpening.test(lower) || /\d{1,2}[:.h]\d{2}|\d{4}|\d{1,2}[./-]\d{1,2}/.test(lower)
}

function isReplyHeader(lower: string): boolean {
  return replyHeaderPatterns.some((pattern) => pattern.test(lower)) && looksLikeReplyHeader(lower)
}

/** A reply header names a date, a time or an address — not just "… wrote:" in prose. */
function looksLikeReplyHeader(joined: string): boolean {
  return (
    /@|\d{1,2}[:.h]\d{2}|\d{4}|\d{1,2}[./-]\d{1,2}/.test(joined) ||
    /^(?:on|am|le|el|em|op|no dia|às)\s/.test(joined)
  )
}

/** True when `lines[index]` is "From: …" followed closely by at least one other header field. */
function startsHeaderBlock(lines: readonly string[], index: number): boolean {
  let first = index
  while (first < lines.length && (lines[first] ?? '').trim() === '') first++
  const line = (lines[first] ?? '').trim().toLowerCase()
  if (!headerBlockFromPattern.test(line)) return false
  let fields = 0
  for (let next = first + 1; next < Math.min(lines.length, first + 8); next++) {
    const candidate = (lines[next] ?? '').trim().toLowerCase()
    if (candidate === '') continue
    if (headerBlockFieldPattern.test(candidate)) fields++
    else if (fields === 0) return false
    if (fields >= 2) return true
  }
  return fields >= 2
}

/** The lower-cased forms of the sender's name a signature line may be: the full name and the first name. */
function signatureNames(senderName: string | undefined): ReadonlySet<string> | null {
  const name = (senderName ?? '').replace(/["']/g, '').replace(/\s+/g, ' ').trim().toLowerCase()
  const first = name.split(' ')[0] ?? ''
  if (name.length < 2 || first.length < 2 || name.includes('@')) return null
  return new Set([name, first])
}

/** True when the line is only the sender's name or first name ("Hannah", "- Hannah Scott"). */
function isNameLine(line: string, names: ReadonlySet<string>): boolean {
  if (line.length > 60) return false
  return names.has(line.replace(/^[-–—~*\s]+/, '').replace(/[\s.,]+$/, '').replace(/\s+/g, ' ').toLowerCase())
}

function cutSignature(lines: string[], names: ReadonlySet<string> | null = null): string[] {
  const firstContent = lines.findIndex((line) => line.trim() !== '')
  if (firstContent < 0) return []
  for (let index = firstContent; index < lines.length; index++) {
    const raw = lines[index] ?? ''
    const line = raw.trim()
    const lower = line.toLowerCase()
    if (names !== null && index > firstContent && isNameLine(line, names)) {
      return lines.slice(0, index)
    }
    if ((raw === '-- ' || raw === '--' || line === '—' || /^(?:_{8,}|-{8,})$/.test(line)) && index > firstContent) {
      return lines.slice(0, index)
    }
    if (mobileSignaturePattern.test(lower) || disclaimerPattern.test(lower)) {
      return lines.slice(0, index)
    }
    if (index > firstContent && line.length <= 80 && isValedictionLine(line) && lines.length - index <= 15) {
      return lines.slice(0, index)
    }
  }
  return lines
}

function hasContent(lines: readonly string[]): boolean {
  return lines.some((line) => line.trim() !== '')
}

function tidy(lines: readonly string[]): string {
  return lines
    .map((line) => line.replace(/[ \t]+$/g, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}
