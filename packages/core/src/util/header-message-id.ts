import { containsControlCharacter } from '../domain/plain-text.js'

const decoder = new TextDecoder('utf-8', { fatal: false })

/**
 * Reads the `Message-ID` header from raw message bytes without parsing the body
 * (used when storing messages, where only the id is needed). Returns the id with
 * angle brackets, or null.
 */
export function readMessageIdHeader(raw: Uint8Array): string | null {
  // Only the header block matters; cap the scan so huge bodies cost nothing.
  const head = decoder.decode(raw.subarray(0, Math.min(raw.length, 256 * 1024)))
  const end = head.search(/\r?\n\r?\n/)
  const block = (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ')
  const match = /^message-id[ \t]*:[ \t]*(.*)$/im.exec(block)
  return match?.[1] ? normalizeMessageId(match[1]) : null
}

/**
 * Normalises a Message-ID to `<id>` form (trimmed, one pair of brackets); null when empty or
 * when it holds a control character (NUL, ESC, …) or a lone surrogate — no real id does.
 */
export function normalizeMessageId(value: string): string | null {
  const inner = /<([^<>\s]+)>/.exec(value)?.[1] ?? value.trim().replace(/^<|>$/g, '')
  if (!inner || /\s/.test(inner) || containsControlCharacter(inner)) return null
  return `<${inner}>`
}
