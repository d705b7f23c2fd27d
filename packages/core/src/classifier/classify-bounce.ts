import type { BounceDetails, BounceType } from '../domain/classification.js'
import type { DeliveryStatus, DeliveryStatusRecipient, ParsedMessage } from '../mime/parsed-message.js'
import { isMailerDaemonAddress } from '../mime/automation-signals.js'

/** A bounce and the words that explain it. */
export interface BounceVerdict {
  bounce: BounceDetails
  reason: string
  confidence: number
}

/** Temporary conditions: retry later, mailbox full, rate limited. */
const softText =
  /mailbox (?:is )?full|mailbox (?:size|quota)|over ?quota|quota (?:exceeded|exceed)|exceeded (?:the )?(?:storage|quota)|insufficient (?:system )?storage|out of storage|storage (?:space )?(?:exceeded|full)|try (?:again )?later|temporar(?:y|ily)|greylist|graylist|timed? ?out|time-?out|connection (?:refused|reset|timed)|delivery time expired|retry time(?:out)? (?:exceeded|expired)|retry timeout exceeded|retry time not reached|long failure period|(?:queue|delivery) (?:time|lifetime) expired|message expired|too many (?:connections|messages|recipients)|receiving mail at a rate|rate limit|deferr?ed|will (?:retry|keep trying|continue trying)|still trying|message too (?:big|large)|size (?:limit|exceeds)|postfach (?:ist )?voll|speicher(?:platz)? .{0,20}(?:voll|überschritten)|bo[iî]te (?:aux lettres )?pleine|buz[oó]n (?:est[aá] )?lleno|caixa (?:de correio )?(?:est[aá] )?(?:cheia|lotada)|mailbox (?:is )?vol|postvak (?:is )?vol/i

/** Wording that overrides "deferred"/"try later": the sender is refused for good. */
const permanentText = /permanently (?:deferred|rejected|blocked)|will not succeed|won'?t succeed|retrying will not|do not retry/i

/** The address does not exist or no longer accepts mail. */
const hardText =
  /user unknown|unknown user|no such (?:user|mailbox|recipient|address|account|person)|(?:user|mailbox|recipient|address|account|e-?mail account)(?: that you tried to reach)? (?:does not|doesn'?t|did not) exist|(?:does not|doesn'?t) exist|recipient not found|recipientnotfound|not found by smtp address lookup|address (?:couldn'?t|could not|can'?t|cannot) be found|address not found|unknown (?:recipient|mailbox|address|local part)|invalid (?:recipient|mailbox|address|user)|mailbox (?:not found|unavailable|does not exist|disabled|inactive|is disabled|has been disabled|closed)|account (?:has been |is )?(?:disabled|deactivated|suspended|closed|inactive|terminated|deleted|expired)|(?:no longer|not) (?:active|valid|in use|available)|no mailbox here|not our customer|relay access denied|relaying denied|(?:domain|host) (?:not found|name not found|does not exist|lookup failed)|no mx (?:record|host)|unrouteable address|unroutable|nxdomain|name or service not known|bad destination mailbox|user not found|user doesn'?t have a|this user doesn'?t have|addressee unknown|recipient (?:address )?(?:is )?invalid|destinat[aá]rio (?:desconhecido|inv[aá]lido|n[aã]o encontrado)|benutzer (?:unbekannt|existiert nicht)|empf[aä]nger (?:unbekannt|nicht gefunden|existiert nicht)|unbekannter empf[aä]nger|utilisateur inconnu|destinataire inconnu|adresse (?:introuvable|inconnue|inexistante)|usuario desconocido|destinatario (?:desconocido|no encontrado|no existe)|usu[aá]rio desconhecido|gebruiker (?:onbekend|bestaat niet)|onbekende (?:gebruiker|ontvanger)|adres (?:bestaat niet|niet gevonden)|not listed in (?:the )?(?:[a-z&' ]+ )?(?:directory|address book)|account (?:is |has been )?locked|non-?existent (?:host|domain|user|mailbox)|no longer on (?:this )?server|invalid mailbox|bo[iî]te (?:aux lettres )?inexistante|(?:adresse|destinataire) inexistant|indirizzo (?:e-?mail )?(?:inesistente|non valido)|utente (?:sconosciuto|inesistente)|existiert nicht|(?:direcci[oó]n|usuario|buz[oó]n) no existe|endere[cç]o (?:de e-?mail )?n[aã]o existe/i

/** The address may be fine; the message or sender was refused (spam, policy, reputation, authentication). */
const blockText =
  /\bspam\b|junk mail|unsolicited|\bblock(?:ed|list|listed)?\b|black ?list(?:ed)?|deny ?list(?:ed)?|(?<!not )\blisted (?:at|in|on|by)\b|\brbl\b|\bdnsbl\b|spamhaus|spamcop|barracuda|sorbs|proofpoint|mimecast|reputation|\bpolic(?:y|ies)\b|dmarc|\bspf\b|\bdkim\b|unauthenticated|authentication (?:failed|required)|not authori[sz]ed|content (?:rejected|filter)|message (?:rejected|refused) (?:due to|because|as)|rejected (?:due to|because of|for) (?:policy|content|spam|security)|banned|suspicious|phishing|\bvirus\b|malware|bulk mail|high (?:probability|likelihood) of|likely (?:unsolicited|spam)|sender (?:address )?(?:rejected|denied|blocked)|client host (?:rejected|blocked)|\bip\b.{0,40}(?:rejected|blocked|denied|not accepted)|traffic not accepted|access denied, (?:banned|traffic)|administrative prohibition|administratively (?:denied|prohibited)|prohibited by (?:the )?(?:administrator|policy)|cannot be delivered due to (?:policy|security)/i

/** The remote server refused our sender (verification, authentication), not the lead's address: checked before `hardText`, whose words may describe our own return path. */
const senderRefusedText = /sender verif(?:y|ication) failed|verification failed for|callout verification|bad outbound sender|sender address (?:verification )?(?:failed|rejected)/i

/** Words in a non-standard bounce that say delivery failed. */
const failureText =
  /could not be delivered|couldn'?t be delivered|wasn'?t delivered|was not delivered|not (?:been )?delivered|undeliverable|undelivered|delivery (?:to the following recipients? )?(?:has )?failed|failed permanently|permanent(?:ly)? (?:error|failure|fatal)|permanent fatal errors|delivery (?:status notification|failure)|unable to deliver|wasn'?t able to deliver|was not able to deliver|cannot be reached|could not reach|rejected your message|message (?:was )?rejected|returned to sender|failure notice|mail delivery (?:failed|subsystem|system)|qmail-send|smtp error from remote (?:mail )?server|the following address(?:es)?(?:\(es\))? failed|host .{1,80} said:|remote server returned|konnte nicht zugestellt werden|nicht zugestellt|unzustellbar|n'a (?:pas )?pu (?:être|etre) (?:remis|distribu|d[ée]livr)|non remis|no se (?:ha )?pod(?:ido|ía) entregar|no (?:pudo|ha podido) ser entregado|n[aã]o (?:p[oô]de|foi poss[ií]vel) (?:ser )?entreg|kon niet (?:worden )?(?:bezorgd|afgeleverd)|kan niet worden bezorgd|niet afgeleverd|onbestelbaar|failed addresses?|failed recipients?|mail failed|returning (?:message )?to sender|n'a (?:pas )?pu (?:être|etre) achemin|non (?:è|e'?) stat[oa] recapitat|non recapitat|mancato recapito|impossibile recapitare|no pudo entregarse|no se pudo entregar/i

/** Words in a delay warning: the server is still trying. */
const delayText =
  /delivery (?:has been |is )?delayed|delay(?:ed)? (?:notification|warning)|(?:will|shall) (?:retry|continue (?:to try|trying)|keep trying)|still trying|has not (?:yet )?been delivered|not yet been delivered|warning: message .{0,40} delayed|status notification \(delay\)|zustellung verz[oö]gert|remise diff[ée]r[ée]e|entrega retrasada|entrega atrasada|vertraagd|(?:is|was) delayed for more than|temporary failure report|will be retried/i

const enhancedStatusPattern = /(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)/
const replyCodePattern = /(?<![\d.#-])([45][0-5]\d)(?=[ :-]|$)(?![ -]?\d{3})/m

/**
 * Decides hard, soft or block from an enhanced status code, an SMTP reply code and the
 * server's diagnostic text:
 * 1. a 4.x.x / 4xx code (or a delay) is temporary → soft;
 * 2. mailbox full, rate limits, timeouts → soft;
 * 3. the server refused our sender ("sender verify failed", "bad outbound sender") → block;
 * 4. "user unknown", "no such user", "account disabled", "relay access denied" → hard;
 * 5. spam, block lists, policy, reputation, authentication (SPF/DKIM/DMARC) → block;
 * 6. by code: 5.1.x, 5.2.1, 5.4.1, 5.4.4, 5.5.x → hard; 5.7.x → block; 5.2.2, 5.2.3, 5.3.x,
 *    5.4.x, 5.6.x → soft; reply code 552 → soft, 554 → block, 550/551/553 → hard;
 * 7. any other permanent failure → hard.
 */
export function bounceTypeFor(input: { status: string | null; diagnostic: string | null; delayed: boolean }): { type: BounceType; why: string } {
  const text = input.diagnostic ?? ''
  const enhanced = input.status !== null ? enhancedStatusPattern.exec(input.status) : null
  const statusClass = enhanced?.[1] ?? (input.status !== null && /^[45]\d\d$/.test(input.status) ? input.status[0] : null)
  if (input.delayed || statusClass === '4') return { type: 'soft', why: 'temporary failure' }
  if (softText.test(text) && !permanentText.test(text)) return { type: 'soft', why: describeMatch(softText, text) }
  if (senderRefusedText.test(text)) return { type: 'block', why: describeMatch(senderRefusedText, text) }
  if (hardText.test(text)) return { type: 'hard', why: describeMatch(hardText, text) }
  if (blockText.test(text)) return { type: 'block', why: describeMatch(blockText, text) }
  if (enhanced) {
    const subject = Number(enhanced[2])
    const detail = Number(enhanced[3])
    if (subject === 1) return { type: 'hard', why: 'bad destination address' }
    if (subject === 2) {
      if (detail === 1) return { type: 'hard', why: 'mailbox disabled' }
      return { type: 'soft', why: detail === 2 ? 'mailbox full' : 'mailbox temporarily unavailable' }
    }
    if (subject === 7) return { type: 'block', why: 'rejected by security policy' }
    if (subject === 4 && (detail === 1 || detail === 4)) return { type: 'hard', why: 'recipient domain cannot be routed' }
    if (subject === 5) return { type: 'hard', why: 'mailbox unavailable' }
    if (subject === 3 || subject === 4 || subject === 6) return { type: 'soft', why: 'delivery problem on the receiving side' }
  }
  const replyCode = input.status !== null && /^[45]\d\d$/.test(input.status) ? input.status : replyCodePattern.exec(text)?.[1]
  if (replyCode === '552') return { type: 'soft', why: 'storage exceeded' }
  if (replyCode === '554') return { type: 'block', why: 'transaction refused' }
  if (/mailbox unavailable|address rejected|access denied|rejected/i.test(text)) return { type: 'hard', why: describeMatch(/mailbox unavailable|address rejected|access denied|rejected/i, text) }
  return { type: 'hard', why: 'permanent failure' }
}

function describeMatch(pattern: RegExp, text: string): string {
  const match = pattern.exec(text)
  return match ? `'${match[0].toLowerCase()}'` : ''
}

/** Enhanced status code (`5.1.1`) or SMTP reply code (`550`) found in diagnostic text. */
export function statusFromText(text: string): string | null {
  const enhanced = enhancedStatusPattern.exec(text)
  if (enhanced) return `${enhanced[1]}.${enhanced[2]}.${enhanced[3]}`
  const reply = replyCodePattern.exec(text)
  return reply?.[1] ?? null
}

const actionRank: Record<string, number> = { failed: 3, delayed: 2 }

/** The recipient of a DSN that matters most: failed before delayed before anything else. */
function worstRecipient(status: DeliveryStatus): DeliveryStatusRecipient | null {
  let best: DeliveryStatusRecipient | null = null
  let bestRank = -1
  for (const recipient of status.recipients) {
    const statusClass = recipient.status?.[0]
    const rank = actionRank[recipient.action ?? ''] ?? (statusClass === '5' ? 3 : statusClass === '4' ? 2 : 0)
    if (rank > bestRank) {
      best = recipient
      bestRank = rank
    }
  }
  return bestRank >= 2 ? best : null
}

/**
 * A bounce read from an RFC 3464 delivery status notification, or null when the DSN only
 * reports successful delivery (relayed, delivered, expanded).
 */
export function bounceFromDeliveryStatus(message: ParsedMessage, status: DeliveryStatus): BounceVerdict | null {
  const recipient = worstRecipient(status)
  if (recipient === null) return null
  const delayed = recipient.action === 'delayed' || recipient.status?.startsWith('4') === true
  const diagnostic = recipient.diagnosticCode
  const statusCode = recipient.status ?? (diagnostic !== null ? statusFromText(diagnostic) : null)
  const { type, why } = bounceTypeFor({
    status: statusCode,
    diagnostic: [diagnostic, delayed ? null : message.text.slice(0, 4000)].filter(Boolean).join('\n'),
    delayed,
  })
  const code = statusCode === null ? 'without a status code' : `status ${statusCode}`
  return {
    bounce: { type, status: statusCode, diagnostic, recipient: recipient.finalRecipient ?? recipient.originalRecipient },
    reason: `DSN ${recipient.action ?? 'failure'} ${code}: ${type} bounce${why ? ` (${why})` : ''}`,
    confidence: 0.99,
  }
}

/**
 * A bounce recognised from the text of a non-standard notice (qmail, old Exchange, Exim or
 * Sendmail without a DSN part, provider-specific formats): needs a mail-system sender or a
 * bounce subject, plus failure wording in the notice — or, from a mail-system sender, an
 * SMTP status or reply code next to an address, whatever the language. Only the notice is
 * read, never the returned copy of our message (whose headers say "DKIM", "spam", …).
 */
export function bounceFromText(message: ParsedMessage, hasBounceSubject: boolean): BounceVerdict | null {
  const fromSystem = message.automation.fromMailerDaemon || isMailerDaemonAddress(message.from?.address) || /mail delivery (?:system|subsystem)|postmaster|mailer-daemon|mail administrator|microsoft outlook/i.test(message.from?.name ?? '')
  if (!(fromSystem || hasBounceSubject)) return null
  const body = noticePart(message.text.slice(0, 20_000))
  const failure = failureText.test(body) || failureText.test(message.subject)
  const delay = delayText.test(body) || /\(delay\)|delayed|verz[oö]gert|warning/i.test(message.subject)
  const diagnosticLine = findDiagnosticLine(body)
  const statusCode = diagnosticLine !== null ? statusFromText(diagnosticLine) : statusFromText(body)
  const codeNextToAddress = fromSystem && diagnosticLine !== null && statusCode !== null && /@/.test(body)
  if (!failure && !delay && !(fromSystem && hasBounceSubject) && !codeNextToAddress) return null
  const delayed = delay && !failure && !(statusCode !== null && statusCode.startsWith('5'))
  const { type, why } = bounceTypeFor({ status: statusCode, diagnostic: diagnosticLine ?? body, delayed })
  const recipient = findRecipient(message, body)
  const sourceWords = fromSystem ? 'mail-system sender' : 'bounce subject'
  return {
    bounce: { type, status: statusCode, diagnostic: diagnosticLine, recipient },
    reason: `non-standard bounce (${sourceWords}${statusCode ? `, status ${statusCode}` : ''}): ${type} bounce${why ? ` (${why})` : ''}`,
    confidence: failure || delay ? 0.92 : codeNextToAddress ? 0.85 : 0.8,
  }
}

/** Where a bounce notice ends and the returned copy of the message begins (a separator line, or a header block). */
const returnedCopyPattern =
  /^[ \t]*(?:[-=*_|]{2,}[^\n]*\b(?:copy of|original message|returned message|original|message text follows|header of the original|headers follow|kopie|nachricht|message d'origine|mensaje|mensagem|bericht|messaggio)\b[^\n]*|[-=*_ ]*(?:below this line is a copy|below is a copy of the original message|original message follows)[^\n]*|(?:received|return-path|dkim-signature|arc-seal|x-received):[^\n]*)$/im

/** The notice part of a bounce body: everything before the returned copy of our message. */
function noticePart(body: string): string {
  const start = body.search(returnedCopyPattern)
  return start > 0 ? body.slice(0, start) : body
}

/** The line of a bounce body that carries the remote server's answer. */
function findDiagnosticLine(body: string): string | null {
  const lines = body.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] ?? ''
    if (enhancedStatusPattern.test(line) || /(?:^|[\s:;#(])[45]\d\d[ :-]/.test(line)) {
      const next = lines[index + 1] ?? ''
      const joined = /^\s+\S/.test(next) ? `${line.trim()} ${next.trim()}` : line.trim()
      if (/^(?:date|received|message-id|x-|arrival-date)/i.test(joined)) continue
      // Cut between code points: half an emoji is a lone surrogate, which a JSON column refuses.
      return joined.slice(0, /[\ud800-\udbff]/.test(joined.charAt(499)) ? 499 : 500)
    }
  }
  return null
}

const addressPattern = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g

/** The failed recipient named in a non-standard bounce: the first address that is not the mail system's nor ours. */
function findRecipient(message: ParsedMessage, body: string): string | null {
  const ours = new Set([...message.to, ...(message.from ? [message.from] : [])].map((address) => address.address.toLowerCase()))
  const headerStart = body.search(/^\s*(?:-+ ?(?:original message|below this line|this is a copy)|received:|return-path:|from: .*\n(?:.*\n){0,3}\s*(?:to|subject):)/im)
  const searchable = headerStart > 0 ? body.slice(0, headerStart) : body
  for (const match of searchable.matchAll(addressPattern)) {
    const address = match[0].replace(/[.]+$/, '')
    const lower = address.toLowerCase()
    if (ours.has(lower) || isMailerDaemonAddress(lower)) continue
    return address
  }
  return null
}
