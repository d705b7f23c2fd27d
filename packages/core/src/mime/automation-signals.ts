import type { AutomationSignals, ParsedAddress } from './parsed-message.js'

/**
 * Subjects that Microsoft, Google and common clients put on automatic replies, in the
 * supported languages (English, German, French, Spanish, Portuguese, Dutch).
 */
const autoReplySubjectPattern = new RegExp(
  `^\\s*\\[?(?:${[
    'auto(?:matic)?[ -]?(?:reply|response|answer|responder)',
    'auto',
    'autosvar',
    'out of (?:the )?office(?: reply| notice| autoreply)?',
    'ooo',
    'abwesenheitsnotiz',
    'automatische (?:antwort|r[uü]ckantwort|nachricht)',
    'abwesend(?:heit)?',
    'r[ée]ponse automatique',
    'absence(?: du bureau)?',
    "message d['’]absence",
    'respuesta autom[aá]tica',
    'fuera de la oficina',
    'ausencia',
    'resposta autom[aá]tica',
    'fora do escrit[oó]rio',
    'aus[eê]ncia',
    'automatisch antwoord',
    'afwezig(?:heid)?',
    'niet aanwezig',
    'automatisch bericht',
  ].join('|')})(?![\\p{L}])`,
  'iu',
)

const bounceSubjectPattern = new RegExp(
  [
    'undeliver(?:ed|able)',
    '(?:hard|soft) bounce',
    'returned mail',
    'returned to sender',
    'failure notice',
    'delivery status notification \\((?:failure|delay)\\)',
    '(?:mail )?delivery (?:has )?fail(?:ed|ure)',
    'message (?:not|could not be) delivered',
    'non-?deliver(?:y|able)',
    'delivery (?:notification|problem|incomplete)',
    'warning: could not send message',
    'mail system error',
    '^mail failed',
    'returning (?:message )?to sender',
    '(?:[üu]bermittlungs|zustell)status(?:benachrichtigung)? ?\\(fehl',
    'unzustellbar',
    'nicht zustellbar',
    'zustellung fehlgeschlagen',
    'benachrichtigung .{0,20}zustellstatus \\(fehler',
    'non remis',
    'non distribuable',
    'non délivré',
    '[ée]chec de (?:la )?(?:remise|distribution)',
    'non-remise',
    'no se (?:ha )?pud(?:o|ieron) entregar',
    'no se puede entregar',
    'mensaje no entregado',
    'error de entrega',
    'n[ãa]o (?:foi )?entregue',
    'n[ãa]o foi poss[ií]vel entregar',
    'n[ãa]o [ée] poss[ií]vel entregar',
    'falha (?:na|de) entrega',
    'onbestelbaar',
    'niet bezorgd',
    'kan niet worden bezorgd',
    'bezorging (?:is )?mislukt',
    'niet afgeleverd',
    'non recapitato',
    'mancato recapito',
  ].join('|'),
  'i',
)

/** True when a subject looks like a non-delivery notice ("Undeliverable:", "Mail delivery failed", "Unzustellbar:", …). */
export function isBounceSubject(subject: string): boolean {
  return bounceSubjectPattern.test(subject)
}

const complaintSubjectPattern =
  /\b(?:abuse (?:report|complaint|notification)|spam (?:complaint|report)|complaint (?:about|regarding|for)|feedback loop|fbl report|email feedback report|client tos notification|report(?:ed)? (?:as )?spam|scomp|spamcop|unsolicited (?:e-?mail|mail|message|bulk)s?)\b|(?:^|[\s\-[(:])spam(?:$|[\s\])!.])/i

/** True when a subject looks like a feedback-loop or abuse-desk complaint ("Abuse report: …", "Spam complaint"). */
export function isComplaintSubject(subject: string): boolean {
  return complaintSubjectPattern.test(subject)
}

/**
 * Subject prefixes of read receipts (message disposition notifications written as plain
 * text by Outlook, Exchange and others, in their locales): "Read:", "Not read:",
 * "Gelesen:", "Lu :", "Leído:", "Lido:", "Gelezen:", "Letto:".
 */
const readReceiptSubjectPattern = /^\s*(?:read|not read|read receipt|return receipt|gelesen|nicht gelesen|lesebest[aä]tigung|lu|non lu|le[ií]do|no le[ií]do|lido|n[aã]o lido|gelezen|niet gelezen|letto|non letto|confirmation de lecture)\s*:/i
/** The body of a read receipt: an RFC 8098 `Disposition:` field, or Outlook's "was read on"/"was deleted without being read". */
const readReceiptBodyPattern = /^\s*disposition:\s*(?:manual|automatic)-action|\bwas (?:read|deleted without being read) on\b|\bwurde (?:am .{1,40} )?gelesen\b|\ba [ée]t[ée] lu\b|\bfue le[ií]do\b|\bfoi lid[ao]\b|\bis gelezen\b|\b[èe] stato letto\b/im

/** True when a message is a read receipt written as text (subject prefix and receipt wording). */
export function isReadReceipt(subject: string, text: string): boolean {
  return readReceiptSubjectPattern.test(subject) && readReceiptBodyPattern.test(text.slice(0, 2000))
}

/** True when a subject looks like an automatic reply ("Automatic reply:", "Abwesenheitsnotiz:", …). */
export function isAutoReplySubject(subject: string): boolean {
  return autoReplySubjectPattern.test(subject)
}

const mailerDaemonLocalParts = new Set(['mailer-daemon', 'mailerdaemon', 'mail-daemon', 'postmaster', 'mail.daemon'])

/** True when the address is empty or a mail system's own (`MAILER-DAEMON@…`, `postmaster@…`). */
export function isMailerDaemonAddress(address: string | null | undefined): boolean {
  const trimmed = (address ?? '').trim().replace(/^<|>$/g, '')
  if (trimmed === '') return true
  const local = trimmed.slice(0, Math.max(0, trimmed.indexOf('@'))) || trimmed
  return mailerDaemonLocalParts.has(local.toLowerCase())
}

/** First value of a header in a lower-cased header record. */
export function firstHeader(headers: Record<string, string | string[]>, name: string): string | null {
  const value = headers[name]
  if (value === undefined) return null
  return (Array.isArray(value) ? value[0] : value) ?? null
}

/**
 * Reads the signs that a message was sent by a machine: `Auto-Submitted` (RFC 3834),
 * `X-Autoreply`/`X-Autorespond`, `Precedence`, a null or mailer-daemon sender, list
 * headers and auto-reply subjects. `X-Auto-Response-Suppress` is a request to others, not
 * a sign of an auto-reply, and is ignored.
 */
export function readAutomationSignals(input: {
  headers: Record<string, string | string[]>
  from: ParsedAddress | null
  subject: string
}): AutomationSignals {
  const { headers } = input
  const autoSubmittedRaw = firstHeader(headers, 'auto-submitted')
  const autoSubmittedValue = autoSubmittedRaw?.split(';')[0]?.trim().toLowerCase() ?? ''
  const autoSubmitted = autoSubmittedValue === '' || autoSubmittedValue === 'no' ? null : autoSubmittedValue

  const autoReplyHeader = ['x-autoreply', 'x-autorespond', 'x-autoresponder', 'x-autogenerated', 'x-auto-reply'].some((name) => {
    const value = firstHeader(headers, name)
    return value !== null && !/^\s*(?:no|false|0)\s*$/i.test(value)
  })

  const precedenceValue = firstHeader(headers, 'precedence')?.trim().toLowerCase() ?? ''
  const precedence = ['auto_reply', 'auto-reply', 'bulk', 'junk', 'list'].includes(precedenceValue) ? precedenceValue : null

  const returnPath = firstHeader(headers, 'return-path')
  const nullReturnPath = returnPath !== null && /^\s*<\s*>\s*$/.test(returnPath)

  const fromAddress = input.from?.address ?? ''
  const fromMailerDaemon = input.from !== null && isMailerDaemonAddress(fromAddress)

  return {
    autoSubmitted,
    autoReplyHeader,
    precedence,
    fromMailerDaemon,
    nullReturnPath,
    listMessage: firstHeader(headers, 'list-id') !== null || firstHeader(headers, 'list-unsubscribe') !== null,
    autoReplySubject: isAutoReplySubject(input.subject),
  }
}
