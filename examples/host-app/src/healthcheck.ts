/**
 * The container health check: `node dist/healthcheck.js` exits 0 when this machine's app
 * answers `GET /health` with 200 within 5 s, else 1 (the Dockerfile's HEALTHCHECK; slim
 * images have no curl). It reads the app's own `PORT` and `HOST` (a wildcard `HOST` is
 * checked on the loopback address).
 */
const port = process.env.PORT || '3000'
const configuredHost = process.env.HOST || '127.0.0.1'
const host = ['0.0.0.0', '::', '[::]'].includes(configuredHost) ? '127.0.0.1' : configuredHost
const url = `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}/health`

try {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) })
  const body = await response.text()
  console.log(`${url}: ${response.status} ${body.slice(0, 500)}`)
  process.exitCode = response.status === 200 ? 0 : 1
} catch (error) {
  console.log(`${url}: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
}
