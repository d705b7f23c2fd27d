import { hostname } from 'node:os'

/**
 * Where a Maildir file name ends and its "info" begins. The Maildir specification uses `:`
 * (`1700000000.M1P2.host:2,S`); tools on file systems that forbid colons use another
 * character (mbsync's `InfoDelimiter`, often `!` or `;`).
 */
export const defaultInfoSeparator = ':'

/**
 * The stable identity of a Maildir message: the part of its file name before the info
 * separator. It never changes while the message lives in the mailbox — not when a mail
 * client moves it from `new/` to `cur/` and appends `:2,`, and not when flags change
 * (`:2,S` → `:2,RS`).
 */
export function maildirUniqueName(fileName: string, infoSeparator = defaultInfoSeparator): string {
  const index = fileName.indexOf(infoSeparator)
  return index < 0 ? fileName : fileName.slice(0, index)
}

const leadingSeconds = /^([0-9]{1,15})(?:\.|$)/

/**
 * Delivery time in whole seconds since the epoch, read from the start of a unique name
 * (`1700000000.M123P45.host` → 1700000000). Names that do not start with a time (not written
 * by a Maildir-conforming agent) get 0, so they sort before every conforming name.
 */
export function maildirDeliverySeconds(uniqueName: string): number {
  const match = leadingSeconds.exec(uniqueName)
  return match ? Number(match[1]) : 0
}

const digit = (code: number) => code >= 48 && code <= 57

/**
 * Compares two strings so that runs of digits compare as numbers: `M5P9` < `M123P1`.
 * Dovecot and other agents write microseconds and counters without zero padding, so a
 * plain string comparison would misorder messages delivered within one second.
 * Equal under that rule (`M01` and `M1`), the plain code-unit order decides, so the order
 * is total.
 */
export function compareNatural(left: string, right: string): number {
  let i = 0
  let j = 0
  while (i < left.length && j < right.length) {
    const a = left.charCodeAt(i)
    const b = right.charCodeAt(j)
    if (digit(a) && digit(b)) {
      let iEnd = i
      while (iEnd < left.length && digit(left.charCodeAt(iEnd))) iEnd++
      let jEnd = j
      while (jEnd < right.length && digit(right.charCodeAt(jEnd))) jEnd++
      // Compare the runs as numbers of any length: strip leading zeros, then length, then digits.
      let iStart = i
      while (iStart < iEnd - 1 && left.charCodeAt(iStart) === 48) iStart++
      let jStart = j
      while (jStart < jEnd - 1 && right.charCodeAt(jStart) === 48) jStart++
      const lengthDifference = iEnd - iStart - (jEnd - jStart)
      if (lengthDifference !== 0) return lengthDifference
      for (let k = 0; k < iEnd - iStart; k++) {
        const difference = left.charCodeAt(iStart + k) - right.charCodeAt(jStart + k)
        if (difference !== 0) return difference
      }
      i = iEnd
      j = jEnd
      continue
    }
    if (a !== b) return a - b
    i++
    j++
  }
  const remaining = left.length - i - (right.length - j)
  if (remaining !== 0) return remaining
  return left < right ? -1 : left > right ? 1 : 0
}

/**
 * The order the inbox yields messages in: delivery second (from the name), then the unique
 * name compared with {@link compareNatural}. For names written by {@link deliverToMaildir}
 * and by Dovecot (`<seconds>.M<microseconds>P<pid>…`) this is delivery order.
 */
export function compareUniqueNames(left: string, right: string): number {
  const seconds = maildirDeliverySeconds(left) - maildirDeliverySeconds(right)
  return seconds !== 0 ? seconds : compareNatural(left, right)
}

/**
 * The host part of a Maildir name: the host name with `/` and `:` escaped as the
 * specification asks (`\057`, `\072`); `.` is kept, as Dovecot and Postfix do.
 */
export function maildirHostName(name = hostname()): string {
  const escaped = name.replace(/\//g, '\\057').replace(/:/g, '\\072').replace(/[^\x21-\x7e]/g, '_')
  return escaped === '' ? 'localhost' : escaped
}

let lastStamp = { seconds: 0, microseconds: 0 }
let counter = 0

/**
 * A new unique Maildir name, `<seconds>.M<microseconds>P<pid>Q<counter>.<host>`, the modern
 * form the specification recommends. `now` is in microseconds since the epoch (default: the
 * wall clock, millisecond precision). Within this process the (seconds, microseconds) pair
 * always grows — by one microsecond when the clock has not moved or was stepped back — so names
 * sort in the order they were made.
 */
export function createUniqueName(now: number = Date.now() * 1000): string {
  let seconds = Math.floor(now / 1_000_000)
  let microseconds = Math.floor(now % 1_000_000)
  if (seconds < lastStamp.seconds || (seconds === lastStamp.seconds && microseconds <= lastStamp.microseconds)) {
    seconds = lastStamp.seconds
    microseconds = lastStamp.microseconds + 1
    if (microseconds >= 1_000_000) {
      seconds++
      microseconds = 0
    }
  }
  lastStamp = { seconds, microseconds }
  counter++
  return `${seconds}.M${microseconds}P${process.pid}Q${counter}.${maildirHostName()}`
}
