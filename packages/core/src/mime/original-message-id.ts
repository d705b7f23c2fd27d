import { parseHeaderFields, parseMessageIdList } from './header-fields.js'

/** Content types of parts that carry the returned message or its headers. */
export const returnedMessageContentTypes: ReadonlySet<string> = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/global-headers',
  'message/partial',
])

/** The Message-ID in the header block at the start of a returned message or headers part. */
export function messageIdFromHeaderBlock(content: string): string | null {
  const head = content.slice(0, 64 * 1024)
  const fields = parseHeaderFields(head.replace(/^\s+/, ''))
  const field = fields.find((candidate) => candidate.name === 'message-id')
  return parseMessageIdList(field?.value)[0] ?? null
}

/**
 * The first `Message-ID:` line quoted in a body (non-standard bounces such as qmail or old
 * Exchange paste the returned message's headers as text, sometimes `>`-prefixed or
 * indented), other than `exclude`.
 */
export function messageIdFromQuotedHeaders(body: string, exclude: string | null): string | null {
  const pattern = /^[ \t>]*message-id:[ \t]*(?:\r?\n[ \t]+)?(<[^<>\s]+>|[^<>\s]+@[^<>\s]+)/gim
  const head = body.length > 512 * 1024 ? body.slice(0, 512 * 1024) : body
  for (const match of head.matchAll(pattern)) {
    const id = parseMessageIdList(match[1])[0]
    if (id !== undefined && id !== exclude) return id
  }
  return null
}
