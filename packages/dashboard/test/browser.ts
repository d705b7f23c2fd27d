import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

/** Where the browser tests save their screenshots (gitignored; CI keeps them as artifacts). */
export const artifactsDirectory = join(import.meta.dirname, '..', 'test-artifacts')

/**
 * Debian's `chromium` (installed by scripts/provision-test-services.sh), or `CHROMIUM_PATH`.
 * Nothing downloads a browser: playwright-core only drives the one installed.
 */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim().split('\n')[0]!
  } catch {
    throw new Error('The browser tests need Chromium: apt-get install chromium (scripts/provision-test-services.sh installs it as root), or set CHROMIUM_PATH')
  }
}

/** One headless Chromium for a test file. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(artifactsDirectory, { recursive: true })
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
}

/** `Authorization: Basic …` → user name, when the password matches (the test's host check). */
export function basicAuthUser(request: Request, password: string): string | null {
  const header = request.headers.get('authorization') ?? ''
  if (!header.startsWith('Basic ')) return null
  const [user, given] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')
  return user && given === password ? user : null
}
