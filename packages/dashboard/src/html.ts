/**
 * HTML built from templates whose interpolations are escaped by default: the only way to
 * put markup into a page is a {@link SafeHtml} value (another `html` template, or `raw()`
 * for a fragment the dashboard itself wrote). Every string, number or other value from the
 * store is escaped as text — reply bodies, subjects, names and errors are attacker-controlled.
 */

const brand: unique symbol = Symbol('SafeHtml')

/** A fragment of markup that is safe to insert as it is. */
export interface SafeHtml {
  readonly [brand]: true
  readonly value: string
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' }

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (character) => entities[character]!)
}

function safe(value: string): SafeHtml {
  return { [brand]: true, value }
}

/** True when `value` is markup built by {@link html} or {@link raw}. */
export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && (value as Partial<SafeHtml>)[brand] === true
}

/**
 * Marks a fragment the dashboard wrote itself (never stored or request text) as markup.
 * The one escape hatch: grep for `raw(` when reviewing.
 */
export function raw(markup: string): SafeHtml {
  return safe(markup)
}

/** Interpolated values: markup, text (escaped), arrays of either (joined), or nothing (`null`, `undefined`, `false`). */
export type HtmlValue = SafeHtml | string | number | bigint | boolean | null | undefined | readonly HtmlValue[]

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return ''
  if (Array.isArray(value)) return value.map(render).join('')
  if (isSafeHtml(value)) return value.value
  return escapeHtml(String(value))
}

/**
 * The template tag: `html\`<td>${lead.email}</td>\`` escapes `lead.email`. Attribute values
 * must be quoted in the template (`href="${url}"`): quotes inside values are escaped.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!
  for (let index = 0; index < values.length; index++) out += render(values[index]!) + strings[index + 1]!
  return safe(out)
}

/** The page's text for a response body. */
export function toHtmlString(value: SafeHtml): string {
  return value.value
}
