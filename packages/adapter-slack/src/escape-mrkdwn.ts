/**
 * Escapes text for Slack mrkdwn: `&`, `<` and `>` only (Slack's control characters),
 * so `<!channel>`, `<@U123>` or `<https://evil|label>` typed by a prospect show up as
 * text and ping or link nobody. Nothing else is encoded: Slack decodes only these three.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (character) => (character === '&' ? '&amp;' : character === '<' ? '&lt;' : '&gt;'))
}

/**
 * Escapes `text` for mrkdwn, starts every line with `linePrefix` (e.g. `>` for a
 * quote), and cuts the result so it fits in `maxLength` characters — ending with `…`
 * when cut, never splitting an escaped entity or a surrogate pair.
 */
export function fitMrkdwn(text: string, maxLength: number, linePrefix = ''): string {
  const normalised = text.replace(/\r\n?/g, '\n')
  const full = linePrefix + escapeMrkdwn(normalised).replace(/\n/g, `\n${linePrefix}`)
  if (full.length <= maxLength) return full
  let out = linePrefix
  for (const character of normalised) {
    const piece = character === '\n' ? `\n${linePrefix}` : escapeMrkdwn(character)
    if (out.length + piece.length > maxLength - 1) break
    out += piece
  }
  return `${out}…`
}
