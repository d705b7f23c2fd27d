import { formatAge, formatTime, truncate } from '../format.js'
import { html } from '../html.js'
import type { PageContext, PageResult } from '../page-context.js'

/** A heartbeat older than this is shown as stale (a worker writes one every cycle). */
const staleAfterMs = 5 * 60_000

/** The workers' heartbeats: when each was last seen, cycles run, leases held, the last step error. */
export async function workersPage(context: PageContext): Promise<PageResult> {
  const workers = (await context.client.listWorkers()).sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime())
  const now = new Date()
  const rows = workers.map((worker) => {
    const stale = now.getTime() - worker.lastSeenAt.getTime() > staleAfterMs
    return html`<tr data-worker="${worker.workerId}"><td><strong>${worker.workerId}</strong><div class="small muted">${worker.host} · pid ${worker.pid}</div></td>
<td><span class="badge ${stale ? 'bad' : 'ok'}">${stale ? 'stale' : 'alive'}</span></td><td class="small" title="${formatTime(worker.lastSeenAt)}">${formatAge(worker.lastSeenAt, now)}</td>
<td class="small">${formatTime(worker.startedAt)}</td><td class="num">${worker.cycles}</td>
<td class="small" data-leases>${worker.leases.length > 0 ? worker.leases.join(', ') : html`<span class="muted">none</span>`}</td>
<td class="small">${worker.lastError ? truncate(worker.lastError, 500) : html`<span class="muted">—</span>`}</td></tr>`
  })
  const body = html`<h1>Workers</h1>
<div class="card"><table data-table="workers"><thead><tr><th>Worker</th><th>State</th><th>Last seen</th><th>Started</th><th class="num">Cycles</th><th>Leases held</th><th>Last error</th></tr></thead><tbody>${rows}</tbody></table>
${workers.length === 0 ? html`<p class="muted">No worker has written a heartbeat yet.</p>` : ''}</div>
<p class="muted small">A worker writes its heartbeat after every cycle; one not seen for 5 minutes is shown as stale. Leases (polling a mailbox, metrics, decide, timeouts) move to a live worker when they expire.</p>`
  return { title: 'Workers', section: 'workers', body }
}
