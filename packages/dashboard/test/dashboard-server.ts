import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createDashboard, toNodeRequestListener, type DashboardOptions } from '../src/index.js'

/** A dashboard served by Node's http server on 127.0.0.1 (a free port). */
export interface DashboardServer {
  /** `http://127.0.0.1:<port>` */
  origin: string
  /** origin + basePath */
  url: string
  close(): Promise<void>
}

export async function startDashboardServer(options: DashboardOptions): Promise<DashboardServer> {
  const dashboard = createDashboard(options)
  const server: Server = createServer(toNodeRequestListener(dashboard))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    url: `${origin}${options.basePath === '/' ? '' : options.basePath}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}

/** The CSRF token of the first form on a page. */
export function csrfTokenOf(page: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(page)
  if (!match) throw new Error('no CSRF token on the page')
  return match[1]!
}
