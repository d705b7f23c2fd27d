/**
 * Parses an RFC 5322 address list the way a mail provider does: commas separate
 * mailboxes unless they are inside a quoted display name or angle brackets. Returns
 * the bare addresses, or `undefined` when an entry is malformed.
 */
export function parseAddressList(value: string): string[] | undefined {
  const entries: string[] = []
  let current = ''
  let quoted = false
  let angle = false
  for (let index = 0; index < value.length; index++) {
    const character = value[index] as string
    if (quoted) {
      current += character
      if (character === '\\') {
        current += value[index + 1] ?? ''
        index++
      } else if (character === '"') quoted = false
      continue
    }
    if (character === '"') quoted = true
    else if (character === '<') angle = true
    else if (character === '>') angle = false
    if ((character === ',' || character === ';') && !angle) {
      entries.push(current)
      current = ''
      continue
    }
    current += character
  }
  if (quoted || angle) return undefined
  entries.push(current)
  const addresses: string[] = []
  for (const raw of entries) {
    const entry = raw.trim()
    if (entry === '') continue
    const address = mailboxAddress(entry)
    if (address === undefined) return undefined
    addresses.push(address)
  }
  return addresses
}

const addressPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/

/** The address of one mailbox (`a@b.c`, `Name <a@b.c>`, `"Quoted, Name" <a@b.c>`). */
export function mailboxAddress(entry: string): string | undefined {
  const named = /^(?:"(?:[^"\\]|\\.)*"|[^"<>]*)\s*<([^<>\s]+)>$/.exec(entry)
  const address = named ? (named[1] as string) : entry
  return addressPattern.test(address) ? address : undefined
}
