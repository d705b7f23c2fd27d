/** Bytes a Resend (Svix) webhook signing secret holds: `whsec_` + base64 of 24 random bytes. */
export const minWebhookSecretBytes = 24

const whereToFindIt = 'copy the signing secret (whsec_…) from Resend → Webhooks → your endpoint'

/**
 * What is wrong with a webhook signing secret's format, or null when it looks like one
 * Resend gives (`whsec_` and standard base64 of at least 24 bytes). The answer names the
 * problem, never the secret or any part of it.
 */
export function describeWebhookSecretProblem(secret: string): string | null {
  if (/^["'`]|["'`]$/.test(secret)) return 'is wrapped in quotes: remove them'
  if (!secret.startsWith('whsec_')) {
    if (secret.startsWith('re_')) return `looks like a Resend API key (re_…), not a webhook signing secret: ${whereToFindIt}`
    return `does not start with whsec_: ${whereToFindIt}`
  }
  const encoded = secret.slice('whsec_'.length)
  if (encoded === '') return `has nothing after whsec_: ${whereToFindIt}`
  if (/\s/.test(encoded)) return 'contains whitespace after whsec_ (a line break or a space copied with it?)'
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return 'has characters after whsec_ that are not base64 (only A–Z, a–z, 0–9, +, / and = as padding)'
  if (encoded.length % 4 !== 0) return `is not whole base64 after whsec_ (${encoded.length} characters, expected a multiple of 4: cut off when copied?)`
  const bytes = Buffer.from(encoded, 'base64').length
  if (bytes < minWebhookSecretBytes) return `holds ${bytes} bytes after whsec_, a Resend signing secret holds at least ${minWebhookSecretBytes} (cut off when copied?)`
  return null
}
