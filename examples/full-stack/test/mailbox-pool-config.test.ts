import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ValidationError } from '@cam/core'
import { createSelfSignedCertificate } from '../../../packages/adapter-smtp/test/support/self-signed-certificate.js'
import { loadFullStackConfig } from '../src/full-stack-config.js'
import { loadMailboxPoolConfig, readMailboxPoolConfig } from '../src/mailbox-pool-config.js'

const directory = mkdtempSync(join(tmpdir(), 'cam-pool-config-'))
const caFile = join(directory, 'internal-ca.pem')
writeFileSync(caFile, createSelfSignedCertificate().cert)
const notPem = join(directory, 'not-a-certificate.txt')
writeFileSync(notPem, 'hello')
afterAll(() => rmSync(directory, { recursive: true, force: true }))

/** The README's block: two Google Workspace mailboxes with OAuth2 access tokens and one mailbox on a plain SMTP host. */
const readmePool = {
  CAM_MAILBOXES: 'ana,ben,ops',
  CAM_MAILBOX_ANA_ADDRESS: 'ana@acme.io',
  CAM_MAILBOX_ANA_NAME: 'Ana Lopez',
  CAM_MAILBOX_ANA_SMTP_URL: 'smtps://smtp.gmail.com:465',
  CAM_MAILBOX_ANA_SMTP_ACCESS_TOKEN: 'ya29.ana-token-secret',
  CAM_MAILBOX_ANA_IMAP_URL: 'imaps://imap.gmail.com',
  CAM_MAILBOX_BEN_ADDRESS: 'ben@acme.io',
  CAM_MAILBOX_BEN_NAME: 'Ben Okafor',
  CAM_MAILBOX_BEN_SMTP_URL: 'smtp://smtp.gmail.com:587',
  CAM_MAILBOX_BEN_SMTP_ACCESS_TOKEN: 'ya29.ben-token-secret',
  CAM_MAILBOX_BEN_IMAP_URL: 'imaps://imap.gmail.com:993',
  CAM_MAILBOX_BEN_DAILY_LIMIT: '40',
  CAM_MAILBOX_OPS_ADDRESS: 'hello@outreach-acme.io',
  CAM_MAILBOX_OPS_REPLY_TO: 'team@acme.io',
  CAM_MAILBOX_OPS_SMTP_URL: 'smtp://mail.outreach-acme.io:587',
  CAM_MAILBOX_OPS_SMTP_PASSWORD: 'ops-smtp-secret',
  CAM_MAILBOX_OPS_IMAP_URL: 'imaps://mail.outreach-acme.io',
  CAM_MAILBOX_OPS_DAILY_LIMIT: '50',
  CAM_MAILBOX_OPS_RAMP: '10+5',
  CAM_MAILBOX_OPS_MIN_GAP_SECONDS: '120',
}

/** Every problem of a configuration, as `variable: message` lines. */
function problems(environment: Record<string, string>): string[] {
  try {
    loadMailboxPoolConfig(environment)
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`)
  }
  return []
}

describe('the sending pool from the environment', () => {
  it('reads no pool when neither CAM_MAILBOXES nor a mailbox variable is set', () => {
    expect(readMailboxPoolConfig({ DATABASE_URL: 'postgres://x', CAM_MAILBOXES: '  ' })).toEqual({ pool: null, issues: [] })
  })

  it('reads the README block: OAuth2 access tokens and a password, the IMAP login reusing the SMTP one, defaults applied', () => {
    const pool = loadMailboxPoolConfig(readmePool)
    expect(pool?.mailboxes.map((mailbox) => mailbox.id)).toEqual(['ana', 'ben', 'ops'])
    const [ana, ben, ops] = pool!.mailboxes
    expect(ana).toEqual({
      id: 'ana',
      variablePrefix: 'CAM_MAILBOX_ANA_',
      address: 'ana@acme.io',
      displayName: 'Ana Lopez',
      smtp: { host: 'smtp.gmail.com', port: 465, secure: true, auth: { kind: 'access-token', user: 'ana@acme.io', accessToken: 'ya29.ana-token-secret' } },
      // The IMAP login reuses the SMTP credentials; the port defaults to 993.
      imap: { host: 'imap.gmail.com', port: 993, secure: true, auth: { kind: 'access-token', user: 'ana@acme.io', accessToken: 'ya29.ana-token-secret' }, folders: ['INBOX'] },
      oauth: null,
      tlsCa: null,
      dailyLimit: 30,
      rampUp: { start: 5, increment: 3 },
      minGapMs: 60_000,
    })
    expect(ben?.smtp).toEqual({ host: 'smtp.gmail.com', port: 587, secure: false, auth: { kind: 'access-token', user: 'ben@acme.io', accessToken: 'ya29.ben-token-secret' } })
    expect([ben?.displayName, ben?.dailyLimit, ben?.rampUp]).toEqual(['Ben Okafor', 40, { start: 5, increment: 3 }])
    expect(ops).toMatchObject({
      address: 'hello@outreach-acme.io',
      replyTo: 'team@acme.io',
      smtp: { host: 'mail.outreach-acme.io', port: 587, secure: false, auth: { kind: 'password', user: 'hello@outreach-acme.io', password: 'ops-smtp-secret' } },
      imap: { host: 'mail.outreach-acme.io', port: 993, secure: true, auth: { kind: 'password', user: 'hello@outreach-acme.io', password: 'ops-smtp-secret' } },
      dailyLimit: 50,
      rampUp: { start: 10, increment: 5 },
      minGapMs: 120_000,
    })
  })

  it("reads the README's refresh-token mailbox: SMTP and IMAP log in with the tokens it obtains", () => {
    const pool = loadMailboxPoolConfig({
      CAM_MAILBOXES: 'ben',
      CAM_MAILBOX_BEN_ADDRESS: 'ben@acme.io',
      CAM_MAILBOX_BEN_SMTP_URL: 'smtps://smtp.gmail.com',
      CAM_MAILBOX_BEN_IMAP_URL: 'imaps://imap.gmail.com',
      CAM_MAILBOX_BEN_OAUTH_TOKEN_URL: 'https://oauth2.googleapis.com/token',
      CAM_MAILBOX_BEN_OAUTH_CLIENT_ID: '1234567890-abc.apps.googleusercontent.com',
      CAM_MAILBOX_BEN_OAUTH_CLIENT_SECRET: 'GOCSPX-ben-client-secret',
      CAM_MAILBOX_BEN_OAUTH_REFRESH_TOKEN: '1//ben-refresh-secret',
    })
    const [ben] = pool!.mailboxes
    expect(ben?.smtp.auth).toEqual({ kind: 'oauth-refresh', user: 'ben@acme.io' })
    expect(ben?.imap?.auth).toEqual({ kind: 'oauth-refresh', user: 'ben@acme.io' })
    expect(ben?.oauth).toEqual({
      tokenUrl: 'https://oauth2.googleapis.com/token',
      clientId: '1234567890-abc.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-ben-client-secret',
      refreshToken: '1//ben-refresh-secret',
    })
  })

  it('reads a host with its own login, CA, folders and limits', () => {
    const pool = loadMailboxPoolConfig({
      CAM_MAILBOXES: 'ops',
      CAM_MAILBOX_OPS_ADDRESS: 'hello@mail.acme.io',
      CAM_MAILBOX_OPS_SMTP_URL: 'smtp://outreach%40mail.acme.io@mail.acme.io:2587',
      CAM_MAILBOX_OPS_SMTP_PASSWORD: 'ops-smtp-secret',
      CAM_MAILBOX_OPS_IMAP_URL: 'imap://mail.acme.io',
      CAM_MAILBOX_OPS_IMAP_PASSWORD: 'ops-imap-secret',
      CAM_MAILBOX_OPS_IMAP_FOLDERS: 'INBOX, Bounces',
      CAM_MAILBOX_OPS_TLS_CA_FILE: caFile,
      CAM_MAILBOX_OPS_DAILY_LIMIT: '200',
      CAM_MAILBOX_OPS_RAMP: 'off',
      CAM_MAILBOX_OPS_MIN_GAP_SECONDS: '0',
      CAM_MAILBOX_OPS_GAP_JITTER_SECONDS: '15',
    })
    const [ops] = pool!.mailboxes
    // A login other than the address, percent-encoded in the URL; STARTTLS on a custom port.
    expect(ops?.smtp).toEqual({ host: 'mail.acme.io', port: 2587, secure: false, auth: { kind: 'password', user: 'outreach@mail.acme.io', password: 'ops-smtp-secret' } })
    // IMAP logs in as the SMTP user unless its URL names another, with its own password here.
    expect(ops?.imap).toEqual({ host: 'mail.acme.io', port: 143, secure: false, auth: { kind: 'password', user: 'outreach@mail.acme.io', password: 'ops-imap-secret' }, folders: ['INBOX', 'Bounces'] })
    expect(ops?.tlsCa?.file).toBe(caFile)
    expect(ops?.tlsCa?.pem).toContain('-----BEGIN CERTIFICATE-----')
    expect([ops?.dailyLimit, ops?.rampUp, ops?.minGapMs, ops?.gapJitterMs]).toEqual([200, null, 0, 15_000])
  })

  it('takes an unencoded @ in the URL user and a mailbox without IMAP', () => {
    const pool = loadMailboxPoolConfig({
      CAM_MAILBOXES: 'Sales_EU',
      CAM_MAILBOX_SALES_EU_ADDRESS: 'eu@acme.io',
      CAM_MAILBOX_SALES_EU_SMTP_URL: 'smtps://relay-user@acme.io@smtp.acme.io',
      CAM_MAILBOX_SALES_EU_SMTP_PASSWORD: 'pw',
    })
    expect(pool?.mailboxes[0]).toMatchObject({ id: 'Sales_EU', smtp: { host: 'smtp.acme.io', port: 465, auth: { user: 'relay-user@acme.io' } }, imap: null })
  })

  it('lists every problem at once, each naming its variable, never a secret', () => {
    const secrets = ['hunter2', 'ana-smtp-secret', 'ana-token-secret', 'ben-imap-secret', 'carl-secret', 'dan-refresh-secret', 'dan-client-secret', 'typo-secret']
    const found = problems({
      CAM_MAILBOXES: 'ana,ben,,dan,dan_x,ANA,bad-id',
      // ana: bad address, a password in the URL, two credentials, bad limits, IMAP credentials without IMAP.
      CAM_MAILBOX_ANA_ADDRESS: 'ana at acme',
      CAM_MAILBOX_ANA_SMTP_URL: 'smtps://ana:hunter2@smtp.acme.io',
      CAM_MAILBOX_ANA_SMTP_PASSWORD: 'ana-smtp-secret',
      CAM_MAILBOX_ANA_SMTP_ACCESS_TOKEN: 'ana-token-secret',
      CAM_MAILBOX_ANA_DAILY_LIMIT: '0',
      CAM_MAILBOX_ANA_RAMP: 'fast',
      CAM_MAILBOX_ANA_MIN_GAP_SECONDS: '-5',
      CAM_MAILBOX_ANA_GAP_JITTER_SECONDS: '1.5',
      CAM_MAILBOX_ANA_IMAP_PASSWORD: 'hunter2',
      CAM_MAILBOX_ANA_SMTP_PASWORD: 'typo-secret',
      // ben: no address, a wrong scheme, no credentials, implicit-TLS port on imap://, a missing CA file.
      CAM_MAILBOX_BEN_SMTP_URL: 'https://smtp.acme.io',
      CAM_MAILBOX_BEN_IMAP_URL: 'imap://imap.acme.io:993',
      CAM_MAILBOX_BEN_IMAP_PASSWORD: 'ben-imap-secret',
      CAM_MAILBOX_BEN_TLS_CA_FILE: join(directory, 'missing.pem'),
      CAM_MAILBOX_BEN_REPLY_TO: 'nobody',
      // dan: an incomplete OAuth2 group with a plain-HTTP token URL, and a STARTTLS port on smtps://.
      CAM_MAILBOX_DAN_ADDRESS: 'dan@acme.io',
      CAM_MAILBOX_DAN_SMTP_URL: 'smtps://smtp.acme.io:587/path',
      CAM_MAILBOX_DAN_OAUTH_TOKEN_URL: 'http://auth.acme.io/token',
      CAM_MAILBOX_DAN_OAUTH_CLIENT_SECRET: 'dan-client-secret',
      CAM_MAILBOX_DAN_OAUTH_REFRESH_TOKEN: 'dan-refresh-secret',
      CAM_MAILBOX_DAN_X_ADDRESS: 'x@acme.io',
      CAM_MAILBOX_DAN_X_SMTP_URL: 'smtp://smtp.acme.io:465',
      CAM_MAILBOX_DAN_X_SMTP_PASSWORD: 'pw',
      CAM_MAILBOX_DAN_X_TLS_CA_FILE: notPem,
      // Not listed.
      CAM_MAILBOX_CARL_ADDRESS: 'carl@acme.io',
      CAM_MAILBOX_CARL_SMTP_PASSWORD: 'carl-secret',
      CAM_MAILBOX_WHATEVER: 'x',
    })
    expect(found).toEqual([
      'CAM_MAILBOXES: has an empty entry (two commas in a row, or a trailing comma)',
      'CAM_MAILBOXES: lists "ANA" twice (ids ignore case)',
      'CAM_MAILBOXES: "bad-id" is not a mailbox id: use letters, digits and underscores (it names the variables, e.g. CAM_MAILBOX_ANA_ADDRESS)',
      'CAM_MAILBOXES: "dan" and "dan_x": CAM_MAILBOX_DAN_X_… variables would also read as CAM_MAILBOX_DAN_…; rename one',
      'CAM_MAILBOX_ANA_SMTP_PASWORD: is not a mailbox variable (a typo?): after CAM_MAILBOX_ANA_ expected one of ADDRESS, NAME, REPLY_TO, SMTP_URL, SMTP_PASSWORD, SMTP_ACCESS_TOKEN, IMAP_URL, IMAP_PASSWORD, IMAP_ACCESS_TOKEN, IMAP_FOLDERS, OAUTH_TOKEN_URL, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, OAUTH_SCOPE, TLS_CA_FILE, DAILY_LIMIT, RAMP, MIN_GAP_SECONDS, GAP_JITTER_SECONDS',
      'CAM_MAILBOX_CARL_ADDRESS: belongs to mailbox "CARL", which CAM_MAILBOXES does not list: add it there, or remove the variable',
      'CAM_MAILBOX_CARL_SMTP_PASSWORD: belongs to mailbox "CARL", which CAM_MAILBOXES does not list: add it there, or remove the variable',
      'CAM_MAILBOX_WHATEVER: is not a mailbox variable (a typo?): expected CAM_MAILBOX_<ID>_ followed by one of ADDRESS, NAME, REPLY_TO, SMTP_URL, SMTP_PASSWORD, SMTP_ACCESS_TOKEN, IMAP_URL, IMAP_PASSWORD, IMAP_ACCESS_TOKEN, IMAP_FOLDERS, OAUTH_TOKEN_URL, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_REFRESH_TOKEN, OAUTH_SCOPE, TLS_CA_FILE, DAILY_LIMIT, RAMP, MIN_GAP_SECONDS, GAP_JITTER_SECONDS',
      'CAM_MAILBOX_ANA_ADDRESS: expected an email address like ana@acme.io',
      'CAM_MAILBOX_ANA_SMTP_URL: holds a password: remove it from the URL and set CAM_MAILBOX_ANA_SMTP_PASSWORD (value hidden)',
      'CAM_MAILBOX_ANA_SMTP_ACCESS_TOKEN: set either CAM_MAILBOX_ANA_SMTP_PASSWORD or CAM_MAILBOX_ANA_SMTP_ACCESS_TOKEN, not both',
      'CAM_MAILBOX_ANA_IMAP_PASSWORD: is set but CAM_MAILBOX_ANA_IMAP_URL is not: set the IMAP server too, or remove it',
      'CAM_MAILBOX_ANA_DAILY_LIMIT: expected a whole number of emails per day from 1 to 100000',
      'CAM_MAILBOX_ANA_RAMP: expected <emails on the first day>+<more each day>, e.g. 5+3 (first day from 1, both at most 100000), or off for the full limit at once',
      'CAM_MAILBOX_ANA_MIN_GAP_SECONDS: expected a whole number of seconds from 0 to 86400',
      'CAM_MAILBOX_ANA_GAP_JITTER_SECONDS: expected a whole number of seconds from 0 to 86400',
      'CAM_MAILBOX_BEN_ADDRESS: is required for mailbox "ben" (the address it sends as, e.g. ana@acme.io)',
      'CAM_MAILBOX_BEN_REPLY_TO: expected an email address like replies@acme.io',
      'CAM_MAILBOX_BEN_SMTP_URL: expected a URL starting with smtps:// (implicit TLS) or smtp:// (STARTTLS), like smtps://smtp.example.com:465 or smtp://smtp.example.com:587',
      'CAM_MAILBOX_BEN_SMTP_PASSWORD: is required for mailbox "ben" (or CAM_MAILBOX_BEN_SMTP_ACCESS_TOKEN for an OAuth2 access token, or CAM_MAILBOX_BEN_OAUTH_REFRESH_TOKEN with its OAUTH_* variables)',
      'CAM_MAILBOX_BEN_IMAP_URL: port 993 expects implicit TLS from the first byte: use imaps://',
      'CAM_MAILBOX_BEN_TLS_CA_FILE: cannot be read (ENOENT)',
      'CAM_MAILBOX_DAN_OAUTH_CLIENT_ID: is required with CAM_MAILBOX_DAN_OAUTH_TOKEN_URL and CAM_MAILBOX_DAN_OAUTH_CLIENT_SECRET and CAM_MAILBOX_DAN_OAUTH_REFRESH_TOKEN',
      'CAM_MAILBOX_DAN_OAUTH_TOKEN_URL: expected an https:// URL (http:// only on localhost): the client secret and refresh token are sent to it',
      'CAM_MAILBOX_DAN_SMTP_URL: expected only smtps://[user@]host[:port], without a path, query or fragment',
      'CAM_MAILBOX_DAN_SMTP_URL: port 587 speaks STARTTLS, not implicit TLS: use smtp://',
      'CAM_MAILBOX_DAN_X_SMTP_URL: port 465 expects implicit TLS from the first byte: use smtps://',
      'CAM_MAILBOX_DAN_X_TLS_CA_FILE: holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    ])
    const text = found.join('\n')
    for (const secret of secrets) expect(text).not.toContain(secret)
  })

  it('refuses two mailboxes with one address or one IMAP account', () => {
    expect(
      problems({
        CAM_MAILBOXES: 'a,b',
        CAM_MAILBOX_A_ADDRESS: 'sales@acme.io',
        CAM_MAILBOX_A_SMTP_URL: 'smtps://smtp.acme.io',
        CAM_MAILBOX_A_SMTP_PASSWORD: 'pw',
        CAM_MAILBOX_A_IMAP_URL: 'imaps://imap.acme.io',
        CAM_MAILBOX_B_ADDRESS: 'Sales@acme.io',
        CAM_MAILBOX_B_SMTP_URL: 'smtps://smtp.acme.io',
        CAM_MAILBOX_B_SMTP_PASSWORD: 'pw',
        CAM_MAILBOX_B_IMAP_URL: 'imaps://sales%40acme.io@IMAP.acme.io',
      }),
    ).toEqual([
      'CAM_MAILBOX_B_ADDRESS: is the address of CAM_MAILBOX_A_ADDRESS too: each mailbox of the pool sends as its own address',
      'CAM_MAILBOX_B_IMAP_URL: is the IMAP account of CAM_MAILBOX_A_IMAP_URL too: each inbox is read once; remove one',
    ])
  })

  it('asks for CAM_MAILBOXES when only mailbox variables are set, and for the variables of a listed mailbox', () => {
    expect(problems({ CAM_MAILBOX_ANA_ADDRESS: 'ana@acme.io', CAM_MAILBOX_ANA_SMTP_PASSWORD: 'secret-pw' })).toEqual([
      'CAM_MAILBOXES: is required: 2 CAM_MAILBOX_* variable(s) are set (CAM_MAILBOX_ANA_ADDRESS, CAM_MAILBOX_ANA_SMTP_PASSWORD); list the mailboxes, e.g. CAM_MAILBOXES=ana,ben',
    ])
    expect(problems({ CAM_MAILBOXES: 'ana' })).toEqual([
      'CAM_MAILBOX_ANA_ADDRESS: is required for mailbox "ana" (the address it sends as, e.g. ana@acme.io)',
      'CAM_MAILBOX_ANA_SMTP_URL: is required for mailbox "ana" (e.g. smtps://smtp.gmail.com:465)',
      'CAM_MAILBOX_ANA_SMTP_PASSWORD: is required for mailbox "ana" (or CAM_MAILBOX_ANA_SMTP_ACCESS_TOKEN for an OAuth2 access token, or CAM_MAILBOX_ANA_OAUTH_REFRESH_TOKEN with its OAUTH_* variables)',
    ])
  })

  it('refuses an access token or a password next to the OAuth2 refresh variables', () => {
    const base = {
      CAM_MAILBOXES: 'ben',
      CAM_MAILBOX_BEN_ADDRESS: 'ben@acme.io',
      CAM_MAILBOX_BEN_SMTP_URL: 'smtps://smtp.gmail.com',
      CAM_MAILBOX_BEN_OAUTH_TOKEN_URL: 'http://127.0.0.1:9/token',
      CAM_MAILBOX_BEN_OAUTH_CLIENT_ID: 'id',
      CAM_MAILBOX_BEN_OAUTH_REFRESH_TOKEN: 'refresh',
    }
    expect(problems(base)).toEqual([]) // a loopback token endpoint may be plain HTTP; no client secret (a public client)
    expect(problems({ ...base, CAM_MAILBOX_BEN_SMTP_ACCESS_TOKEN: 'token' })).toEqual([
      'CAM_MAILBOX_BEN_SMTP_ACCESS_TOKEN: set either CAM_MAILBOX_BEN_SMTP_ACCESS_TOKEN or the CAM_MAILBOX_BEN_OAUTH_* variables (which obtain access tokens themselves), not both',
    ])
    expect(problems({ ...base, CAM_MAILBOX_BEN_SMTP_PASSWORD: 'pw' })).toEqual([
      'CAM_MAILBOX_BEN_SMTP_PASSWORD: set either CAM_MAILBOX_BEN_SMTP_PASSWORD or the CAM_MAILBOX_BEN_OAUTH_* variables (which obtain access tokens themselves), not both',
    ])
  })
})

describe('the full stack with a pool', () => {
  const database = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' }
  const sharedImap = { IMAP_HOST: 'imap.acme.io', IMAP_USER: 'replies@acme.io', IMAP_PASSWORD: 'pw' }

  it('needs neither Resend nor the shared IMAP inbox with a pool, and sends through the pool', () => {
    const config = loadFullStackConfig({ ...database, ...readmePool })
    expect(config.resend).toBeNull()
    expect(config.imap).toBeNull()
    expect(config.pool?.mailboxes).toHaveLength(3)
  })

  it('still reads the shared inbox and Resend (for alert emails) when given next to a pool', () => {
    const config = loadFullStackConfig({ ...database, ...readmePool, ...sharedImap, RESEND_API_KEY: 're_x', CAM_ALERT_EMAILS: 'ops@acme.io', CAM_ALERT_FROM: 'cam@acme.io' })
    expect(config.imap?.host).toBe('imap.acme.io')
    expect(config.resend?.apiKey).toBe('re_x')
  })

  const issuesOf = (environment: Record<string, string>) => {
    try {
      loadFullStackConfig(environment)
      return []
    } catch (error) {
      if (!ValidationError.isInstance(error)) throw error
      return error.issues.map((issue) => issue.path)
    }
  }

  it('reports pool problems together with the other variables, and what a pool does not replace', () => {
    // No pool: Resend and the shared inbox are required as before.
    expect(issuesOf(database)).toEqual(['RESEND_API_KEY', 'IMAP_HOST', 'IMAP_USER', 'IMAP_PASSWORD'])
    // A pool with a problem, a half-configured shared inbox, alert emails without Resend, a bad worker variable.
    expect(
      issuesOf({ ...database, ...readmePool, CAM_MAILBOX_ANA_RAMP: 'slow', IMAP_HOST: 'imap.acme.io', CAM_ALERT_EMAILS: 'ops@acme.io', CAM_ALERT_FROM: 'cam@acme.io', CAM_INTERVAL_MS: 'soon' }),
    ).toEqual(['CAM_INTERVAL_MS', 'CAM_MAILBOX_ANA_RAMP', 'RESEND_API_KEY', 'IMAP_USER', 'IMAP_PASSWORD'])
    // The shared inbox may not be a pool mailbox's inbox.
    expect(issuesOf({ ...database, ...readmePool, IMAP_HOST: 'IMAP.gmail.com', IMAP_USER: 'ana@acme.io', IMAP_PASSWORD: 'pw' })).toEqual(['IMAP_HOST'])
  })
})
