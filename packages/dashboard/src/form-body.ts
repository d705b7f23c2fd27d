import { HttpProblem } from './http-problem.js'

/** The largest form the dashboard reads (its forms are a few short fields). */
export const maxFormBytes = 16 * 1024

/**
 * The fields of a posted HTML form (`application/x-www-form-urlencoded`), read up to
 * {@link maxFormBytes}; throws a 415 {@link HttpProblem} for another content type and a 413
 * for a larger body (what was read is dropped, the rest is not read).
 */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded') throw new HttpProblem(415, 'Expected a form (application/x-www-form-urlencoded).')
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxFormBytes) throw new HttpProblem(413, 'The form is too large.')
  if (!request.body) return new URLSearchParams()
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxFormBytes) {
      await reader.cancel().catch(() => {})
      throw new HttpProblem(413, 'The form is too large.')
    }
    chunks.push(value)
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}
