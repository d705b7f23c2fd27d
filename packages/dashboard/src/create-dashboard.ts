import { CamError, ValidationError } from '@cam/core'
import { errorMessage, sanitizeForLog, toSingleLine } from '@cam/core/adapter-kit'
import { actions } from './actions.js'
import { createCsrfTokens, crossSiteRefusal } from './csrf.js'
import { resolveDashboardOptions, type DashboardActor, type DashboardOptions } from './dashboard-options.js'
import { readForm } from './form-body.js'
import { html } from './html.js'
import { HttpProblem } from './http-problem.js'
import { renderBareDocument, renderDocument } from './layout.js'
import { href, type PageContext } from './page-context.js'
import { htmlResponse, redirectResponse, textResponse } from './responses.js'
import { actionRoutes, decodeParams, pageRoutes } from './routes.js'
import { stylesheet, stylesheetFileName } from './stylesheet.js'

/** The dashboard: a Web-standard request handler (`Request` in, `Response` out). It never rejects. */
export type DashboardHandler = (request: Request) => Promise<Response>

type Authorized = { actor: DashboardActor } | { response: Response }

/** What an error thrown by a page or an action becomes: status and a message safe to show. */
function describeFailure(error: unknown): { status: number; message: string } | null {
  if (error instanceof HttpProblem) return { status: error.status, message: error.message }
  if (ValidationError.isInstance(error)) return { status: 400, message: error.issues.map((issue) => `${issue.path || 'input'}: ${issue.message}`).join('; ') }
  if (CamError.isInstance(error, 'NOT_FOUND')) return { status: 404, message: error.message }
  if (CamError.isInstance(error, 'CONFLICT')) return { status: 409, message: error.message }
  return null
}

/**
 * Creates the dashboard, mounted under `basePath`:
 *
 * ```ts
 * const dashboard = createDashboard({
 *   client: createCamClient({ store }),
 *   basePath: '/admin/cam',
 *   authorize: (request) => (checkSession(request) ? { actor: 'ana@acme.io' } : null),
 *   logger,
 * })
 * createServer(toNodeRequestListener(dashboard)).listen(3000) // or: export const GET = dashboard, POST = dashboard
 * ```
 *
 * Server-rendered HTML that works without JavaScript (and loads none); every stored text
 * escaped; a Content-Security-Policy that allows only the dashboard's own stylesheet. Every
 * request but the stylesheet's asks `authorize` first. Reading is GET; every change is a
 * POST carrying a CSRF token tied to the actor and checked against `Sec-Fetch-Site` /
 * `Origin`, then a 303 back to the page; each one is logged (`dashboard action`, with actor,
 * action and target). Lists page by keyset (`after` / `before` ids), never by offset.
 *
 * Throws a `ValidationError` (code `CONFIG_INVALID`) naming every bad option — among them a
 * missing `authorize` unless `dangerouslyAllowAnonymous` is set.
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  const settings = resolveDashboardOptions(options)
  const { basePath, logger, pageSize } = settings
  const client = settings.client
  const csrf = createCsrfTokens(settings.csrfSecret)
  const stylesheetPath = `/assets/${stylesheetFileName}`

  async function authorize(request: Request): Promise<Authorized> {
    if (!settings.authorize) return { actor: { actor: 'anonymous' } }
    const result = await settings.authorize(request)
    if (result instanceof Response) return { response: result }
    if (result === null || result === undefined) {
      return { response: htmlResponse(renderBareDocument(basePath, 'Sign-in required', 'You need to sign in to see the CAM dashboard.'), 401) }
    }
    const actor = typeof result.actor === 'string' ? toSingleLine(result.actor).trim() : ''
    if (actor === '' || actor.length > 200) throw new Error('authorize returned no usable actor: expected { actor: string } (one line, 1 to 200 characters)')
    return { actor: { actor, readOnly: result.readOnly === true } }
  }

  /** The page at `path`, or what went wrong as a page with the same navigation. */
  async function renderPage(context: PageContext, path: string, method: string, error?: { status: number; message: string }): Promise<Response> {
    for (const route of pageRoutes) {
      const match = route.pattern.exec(path)
      if (!match) continue
      const params = decodeParams(match)
      if (!params) return renderProblem(context, 400, 'The address is malformed.', method)
      try {
        const page = await route.page(context, params)
        return htmlResponse(renderDocument(context, page, { error: error?.message }), error?.status ?? page.status ?? 200, {}, method)
      } catch (failure) {
        const known = describeFailure(failure)
        if (!known) throw failure
        return renderProblem(context, known.status, known.message, method)
      }
    }
    return renderProblem(context, 404, 'No such page.', method)
  }

  function renderProblem(context: PageContext, status: number, message: string, method = 'GET'): Response {
    const title = status === 404 ? 'Not found' : status === 403 ? 'Refused' : status === 409 ? 'Conflict' : 'Could not do that'
    return htmlResponse(renderDocument(context, { title, section: '', body: html`<h1>${title}</h1><p class="error" role="alert">${message}</p><p><a href="${href(context, '/')}">Back to the campaigns</a></p>` }), status, {}, method)
  }

  /** The `_return` field if it is a page of this dashboard, else the campaigns page. */
  function returnLocation(form: URLSearchParams): string {
    const wanted = form.get('_return') ?? ''
    const home = href({ basePath }, '/')
    if (!wanted.startsWith('/') || wanted.startsWith('//') || /[\\\s]/.test(wanted)) return home
    const path = wanted.split('?')[0]!
    if (path !== home && !path.startsWith(`${basePath}/`)) return home
    return wanted
  }

  async function runAction(context: PageContext, request: Request, path: string): Promise<Response> {
    const route = actionRoutes.map((candidate) => ({ candidate, match: candidate.pattern.exec(path) })).find((entry) => entry.match)
    if (!route) return renderProblem(context, 404, 'No such action.')
    if (context.actor.readOnly) return renderProblem(context, 403, 'You may look but not act (read-only access).')
    const crossSite = crossSiteRefusal(request, settings.trustedOrigins)
    if (crossSite) {
      logger.warn('dashboard action refused: cross-site request', { actor: context.actor.actor, path: sanitizeForLog(path), why: crossSite })
      return renderProblem(context, 403, 'This form was posted from another site.')
    }
    let form: URLSearchParams
    try {
      form = await readForm(request)
    } catch (failure) {
      if (failure instanceof HttpProblem) return renderProblem(context, failure.status, failure.message)
      throw failure
    }
    if (!csrf.verify(context.actor.actor, form.get('_csrf'))) {
      logger.warn('dashboard action refused: missing or invalid CSRF token', { actor: context.actor.actor, path: sanitizeForLog(path) })
      return renderProblem(context, 403, 'The form has expired or did not come from this dashboard. Reload the page and try again.')
    }
    const params = decodeParams(route.match!)
    if (!params) return renderProblem(context, 400, 'The address is malformed.')
    const returnTo = returnLocation(form)
    try {
      const result = await actions[route.candidate.action]!(context, params, form)
      logger.info('dashboard action', { actor: context.actor.actor, action: result.action, target: sanitizeForLog(result.target, 320) })
      const location = new URL(returnTo, 'http://dashboard.invalid')
      location.searchParams.set('notice', result.notice)
      return redirectResponse(`${location.pathname}${location.search}`)
    } catch (failure) {
      const known = describeFailure(failure)
      if (!known) throw failure
      logger.info('dashboard action failed', { actor: context.actor.actor, action: route.candidate.action, target: sanitizeForLog(params[0] ?? '', 320), status: known.status })
      const returnPath = returnTo.split('?')[0]!.slice(basePath.length) || '/'
      const returnUrl = new URL(returnTo, context.url)
      return renderPage({ ...context, url: returnUrl }, returnPath, 'GET', known)
    }
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const method = request.method.toUpperCase()
    if (url.pathname !== basePath && !url.pathname.startsWith(`${basePath}/`)) return textResponse('Not found', 404)
    const path = url.pathname.slice(basePath.length).replace(/(?<=.)\/$/, '') || '/'
    if (path.startsWith('/assets/')) {
      if (path !== stylesheetPath) return textResponse('Not found', 404)
      if (method !== 'GET' && method !== 'HEAD') return textResponse('Method not allowed', 405, { allow: 'GET, HEAD' })
      return new Response(method === 'HEAD' ? null : stylesheet, {
        headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' },
      })
    }
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return textResponse('Method not allowed', 405, { allow: 'GET, HEAD, POST' })
    const authorized = await authorize(request)
    if ('response' in authorized) return authorized.response
    const context: PageContext = { client, actor: authorized.actor, logger, basePath, url, pageSize, csrfToken: csrf.issue(authorized.actor.actor) }
    if (method === 'POST') return runAction(context, request, path)
    return renderPage(context, path, method)
  }

  return async (request) => {
    try {
      return await handle(request)
    } catch (error) {
      logger.error('dashboard request failed', { method: request.method, path: sanitizeForLog(new URL(request.url).pathname), error: sanitizeForLog(errorMessage(error), 500) })
      return htmlResponse(renderBareDocument(basePath, 'Something went wrong', 'The dashboard could not answer this request; the error is in the host’s log.'), 500)
    }
  }
}
