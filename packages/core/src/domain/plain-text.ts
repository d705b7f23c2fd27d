// Text that CAM stores or puts into a header comes from strangers (leads imported from a
// CSV, replies written by anyone). The rules here are applied once, where text enters the
// domain: lead and campaign input, parsed replies, composed emails.
//
// - Control characters are invisible, mean nothing in an email or a lead field, and break
//   things: PostgreSQL refuses NUL in text (22021), ESC sequences repaint terminals, CR/LF
//   inject header lines. Removed: C0 controls (U+0000–U+001F) except TAB, LF and CR, DEL
//   (U+007F) and the C1 controls (U+0080–U+009F). (Mail declared ISO-8859-1 is decoded as
//   Windows-1252, so typographic quotes never show up as C1 controls.)
// - A lone surrogate (half of a UTF-16 pair) is not text: it cannot be encoded as UTF-8 and
//   PostgreSQL refuses it in JSON. Replaced with U+FFFD, the replacement character.
// - One-line text (names, subjects, header values) has no line breaks at all: every run of
//   whitespace holding a line break or a tab (LF, CR, TAB, VT, FF, NEL, U+2028, U+2029) is
//   folded into one space, and the ends are trimmed.

// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const removedCharacter = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const removedCharacters = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/gu
// eslint-disable-next-line no-control-regex -- matching control characters is what this pattern is for
const anyControlOrLoneSurrogate = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u
 
const lineBreakCharacters = /[\t\n\v\f\r\u0085\u2028\u2029]/g
const foldedWhitespace = /\s*\n\s*/g

/**
 * Makes text safe to store, keeping its lines: removes every control character except tab,
 * line feed and carriage return (C0 controls such as NUL, ESC and backspace, DEL and the C1
 * controls U+0080–U+009F) and replaces each lone surrogate with U+FFFD. Everything else,
 * whitespace included, is kept as it is. Idempotent; a clean string is returned unchanged.
 *
 * Core applies it to lead and campaign input and to parsed replies, so an adapter never
 * receives such characters from CAM; adapters that take text from elsewhere can use it too.
 *
 * @example
 * sanitizeText('Bo\u0000b\nSmith') // 'Bob\nSmith'
 */
export function sanitizeText(text: string): string {
  if (!removedCharacter.test(text)) return text
  return text.replace(removedCharacters, (character) => (character.charCodeAt(0) >= 0xd800 ? '\ufffd' : ''))
}

/**
 * One line of text for a header value, a subject or a name: {@link sanitizeText}, then every
 * run of whitespace holding a line break or a tab (LF, CR, TAB, VT, FF, NEL, U+2028, U+2029)
 * becomes one space, and the ends are trimmed. The result holds no control character at all,
 * so it can never start a new header line or a fake line in a chat message.
 *
 * @example
 * toSingleLine('Re: Hi\r\n*Category* Positive') // 'Re: Hi *Category* Positive'
 */
export function toSingleLine(text: string): string {
  return sanitizeText(text.replace(lineBreakCharacters, '\n')).replace(foldedWhitespace, ' ').trim()
}

/**
 * True when `text` holds a control character — any of U+0000–U+001F (tab, CR and LF
 * included), DEL (U+007F) or U+0080–U+009F — or a lone surrogate. Used to refuse values that
 * must not be altered silently, such as email addresses and ids.
 */
export function containsControlCharacter(text: string): boolean {
  return anyControlOrLoneSurrogate.test(text)
}
