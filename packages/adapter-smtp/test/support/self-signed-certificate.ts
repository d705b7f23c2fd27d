import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A self-signed certificate (its own CA) for `localhost` and `127.0.0.1`. */
export interface SelfSignedCertificate {
  key: string
  cert: string
}

/**
 * Makes a fresh self-signed certificate with `openssl` (RSA 2048, valid for two days, subject
 * alternative names `DNS:localhost` and `IP:127.0.0.1` unless others are given).
 */
export function createSelfSignedCertificate(commonName = 'localhost', altNames = 'DNS:localhost,IP:127.0.0.1'): SelfSignedCertificate {
  const directory = mkdtempSync(join(tmpdir(), 'cam-smtp-cert-'))
  try {
    const keyPath = join(directory, 'key.pem')
    const certPath = join(directory, 'cert.pem')
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', `/CN=${commonName}`, '-addext', `subjectAltName=${altNames}`],
      { stdio: 'pipe' },
    )
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8') }
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}
