import type { CamClient, Logger } from '@cam/core'
import type { DashboardActor } from './dashboard-options.js'
import { html, type HtmlValue, type SafeHtml } from './html.js'

/** Everything a page or an action needs about the request it answers. */
export interface PageContext {
  client: CamClient
  actor: DashboardActor
  logger: Logger
  /** Mount path, `''` for the root. */
  basePath: string
  url: URL
  pageSize: number
  /** CSRF token for this actor, put in every form. */
  csrfToken: string
}

/** What a page renders: its title, navigation key and body. */
export interface PageResult {
  title: string
  /** Navigation entry to highlight. */
  section: string
  body: SafeHtml
  status?: number
}

/** A link inside the dashboard: `path` under the base path, with the query values that are set. */
export function href(context: Pick<PageContext, 'basePath'>, path: string, query: Record<string, string | number | null | undefined> = {}): string {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value))
  const text = search.toString()
  return `${context.basePath}${path === '/' && context.basePath !== '' ? '' : path}${text ? `?${text}` : ''}` || '/'
}

/** Path segment of an id, encoded. */
export function segment(id: string): string {
  return encodeURIComponent(id)
}

/** Where the page was (path and query without `notice`), for the form's `_return` field. */
export function currentLocation(context: PageContext): string {
  const search = new URLSearchParams(context.url.search)
  search.delete('notice')
  const text = search.toString()
  return `${context.url.pathname}${text ? `?${text}` : ''}`
}

/** Options of {@link postForm}. */
export interface PostFormOptions {
  /** Visible fields (inputs, selects) before the buttons. */
  fields?: HtmlValue
  /** One or more submit buttons. */
  buttons: HtmlValue
  /** `inline` (default) or `stack`. */
  layout?: 'inline' | 'stack'
  /** Where to go afterwards (default: this page). */
  returnTo?: string
  /** Test hook and label for the form. */
  name?: string
}

/**
 * A form that POSTs an action under the base path, with the CSRF token and the page to
 * return to. Read-only actors see no forms.
 */
export function postForm(context: PageContext, actionPath: string, options: PostFormOptions): SafeHtml {
  if (context.actor.readOnly) return html``
  return html`<form method="post" class="${options.layout ?? 'inline'}" action="${href(context, actionPath)}"${options.name ? html` data-form="${options.name}"` : ''}>
<input type="hidden" name="_csrf" value="${context.csrfToken}"><input type="hidden" name="_return" value="${options.returnTo ?? currentLocation(context)}">${options.fields}${options.buttons}</form>`
}

/** "Next page" / "first page" links of a keyset-paginated list. */
export function pager(context: PageContext, options: { next: Record<string, string | null | undefined> | null; isFirstPage: boolean; keep?: Record<string, string | null | undefined>; nextLabel?: string }): SafeHtml {
  const path = context.url.pathname.slice(context.basePath.length) || '/'
  const keep = options.keep ?? {}
  const links: SafeHtml[] = []
  if (!options.isFirstPage) links.push(html`<a href="${href(context, path, keep)}" data-pager="first">« First page</a>`)
  if (options.next) links.push(html`<a href="${href(context, path, { ...keep, ...options.next })}" data-pager="next">${options.nextLabel ?? 'Next page'} »</a>`)
  return links.length > 0 ? html`<nav class="pager">${links}</nav>` : html``
}
