/**
 * Compacts ascending UIDs into an IMAP sequence set: `[1, 2, 3, 7, 9, 10]` → `1:3,7,9:10`.
 * Keeps FETCH commands short however many UIDs a batch holds.
 */
export function toUidSequenceSet(uids: readonly number[]): string {
  if (uids.length === 0) throw new RangeError('an IMAP sequence set needs at least one UID')
  const parts: string[] = []
  let start = uids[0]!
  let previous = start
  for (let index = 1; index <= uids.length; index++) {
    const uid = uids[index]
    if (uid !== undefined && uid === previous + 1) {
      previous = uid
      continue
    }
    parts.push(start === previous ? String(start) : `${start}:${previous}`)
    if (uid !== undefined) {
      start = uid
      previous = uid
    }
  }
  return parts.join(',')
}
