/**
 * `@cam/dashboard`: a web UI a host app mounts to see and act on CAM — campaigns and their
 * funnel, replies and their classification, alerts, in-doubt emails, quarantined messages,
 * the suppression list, mailboxes and workers. A Web-standard `(Request) => Promise<Response>`
 * handler (Next.js, Hono, Bun, Deno) and a Node `http`/Express bridge.
 *
 * @packageDocumentation
 */
export { createDashboard, type DashboardHandler } from './create-dashboard.js'
export type { DashboardOptions, DashboardActor, DashboardAuthorize } from './dashboard-options.js'
export { toNodeRequestListener, type NodeRequestListener, type NodeRequestListenerOptions } from './node-request-listener.js'
export { contentSecurityPolicy } from './responses.js'
