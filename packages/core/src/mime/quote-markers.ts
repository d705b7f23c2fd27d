/**
 * Line patterns that start quoted or forwarded material in a reply, in English, German,
 * French, Spanish, Portuguese and Dutch, as written by Gmail, Outlook/Exchange, Apple
 * Mail, Thunderbird, Yahoo and mobile clients. Patterns match a lower-cased line whose
 * accents are kept (the mail clients write them).
 */

/** "On Tue, 4 Mar 2025 at 10:11, Sam <sam@x.io> wrote:" and its translations (may span up to three lines). */
export const replyHeaderPatterns: readonly RegExp[] = [
  // English (Gmail, Apple Mail, Thunderbird, Yahoo)
  /^on\b.{0,240}\bwrote\s*:?$/,
  /^.{1,160}\bwrote\s*:$/,
  // German
  /^am\b.{0,240}\bschrieb\b.{0,160}:$/,
  /^.{1,160}\bschrieb\s+am\b.{0,160}:$/,
  /^.{1,160}\bhat\s+am\b.{0,160}\bgeschrieben\s*:$/,
  /^.{1,160}\bschrieb\s*:$/,
  // French
  /^le\b.{0,240}\ba\s+[ée]crit\s*:$/,
  /^.{1,160}\ba\s+[ée]crit\s*:$/,
  // Spanish
  /^el\b.{0,240}\bescribi[óo]\s*:$/,
  /^.{1,160}\bescribi[óo]\s*:$/,
  // Portuguese
  /^(?:em|no dia|às|a)\b.{0,240}\bescreveu\s*:$/,
  /^.{1,160}\bescreveu\s*:$/,
  // Dutch
  /^op\b.{0,240}\bschreef\b.{0,160}:$/,
  /^.{1,160}\bschreef\s+op\b.{0,160}:$/,
  /^.{1,160}\bheeft\s+op\b.{0,160}\bgeschreven\s*:$/,
  /^.{1,160}\bschreef\s*:$/,
]

/** "-----Original Message-----", Outlook's underscore rule and their translations. */
export const originalMessageSeparatorPatterns: readonly RegExp[] = [
  /^-{2,}\s*(?:original message|ursprüngliche nachricht|originalnachricht|urspr\. nachricht|message d'origine|message original|mensaje original|mensagem original|mensagem de origem|oorspronkelijk bericht|origineel bericht)\s*-{2,}$/,
  /^-{2,}\s*(?:reply message|antwort|réponse|respuesta|resposta|antwoord)\s*-{2,}$/,
]

/** Forwarded blocks: "---------- Forwarded message ---------", "Begin forwarded message:", … */
export const forwardedMessagePatterns: readonly RegExp[] = [
  /^-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transf[ée]r[ée]|message réexpédié|mensaje reenviado|mensagem encaminhada|mensagem reencaminhada|doorgestuurd bericht|forwarded by .{1,80})\s*-{0,}$/,
  /^(?:begin forwarded message|anfang der weitergeleiteten nachricht|d[ée]but du message (?:r[ée]exp[ée]di[ée]|r[ée]envoy[ée]|transf[ée]r[ée])|inicio del mensaje reenviado|comienzo del mensaje reenviado|in[ií]cio da mensagem (?:reencaminhada|encaminhada)|begin doorgestuurd bericht)\s*:?$/,
]

/** First field of an Outlook-style header block ("From: …", "Von: …", "De : …", "Van: …"). */
export const headerBlockFromPattern = /^\*?(?:from|von|de|van|da)\s*:\*?\s*\S/

/** The other fields of an Outlook-style header block. */
export const headerBlockFieldPattern =
  /^\*?(?:sent|date|to|cc|subject|gesendet|datum|an|betreff|envoy[ée]|date|à|a|objet|enviado(?: el)?|enviada(?: em)?|fecha|para|asunto|assunto|data|verzonden|aan|onderwerp|cc)\s*:\*?/

/** Mobile and webmail footers: "Sent from my iPhone", "Von meinem iPhone gesendet", … */
export const mobileSignaturePattern =
  /^(?:sent from (?:my |mail for |outlook|yahoo|gmail|samsung|proton|the )|sent via |sent with (?:proton|tutanota|spark|superhuman|blackberry)|get outlook for |obtenir outlook pour |outlook für ios herunterladen|outlook fur ios herunterladen|obtener outlook para |obter o outlook para |outlook voor (?:ios|android) downloaden|envoy[ée] (?:de|depuis) (?:mon|l'application|outlook)|von meinem .{1,40} gesendet|gesendet von (?:meinem|mobil|outlook)|gesendet mit |enviado (?:desde|de) (?:mi|mis|outlook|yahoo)|enviado do (?:meu|outlook|yahoo)|enviado de (?:meu|minha)|verzonden (?:vanaf|met|van) (?:mijn|outlook)|verstuurd (?:vanaf|met|van) (?:mijn|outlook))/

/** Closing formulas that open a signature, in the six languages. */
const valedictions: readonly string[] = [
  'best',
  'best regards',
  'best wishes',
  'kind regards',
  'kindest regards',
  'warm regards',
  'warmest regards',
  'regards',
  'many thanks',
  'thanks(?: again| so much)?',
  'thank you(?: so much)?',
  'thx',
  'cheers',
  'all the best',
  'all best',
  'sincerely(?: yours)?',
  'yours(?: sincerely| truly)?',
  'br',
  'talk soon',
  'speak soon',
  'mit freundlichen gr(?:ü|ue|u)(?:ß|ss)en',
  'freundliche gr(?:ü|ue|u)(?:ß|ss)e',
  'mfg',
  'viele gr(?:ü|ue|u)(?:ß|ss)e',
  'beste gr(?:ü|ue|u)(?:ß|ss)e',
  'liebe gr(?:ü|ue|u)(?:ß|ss)e',
  'herzliche gr(?:ü|ue|u)(?:ß|ss)e',
  'sch(?:ö|oe)ne gr(?:ü|ue|u)(?:ß|ss)e',
  'gru(?:ß|ss)',
  'lg',
  'vg',
  'danke(?: schön| sehr)?',
  'cordialement',
  'bien cordialement',
  'bien à vous',
  'bien à toi',
  'salutations(?: distinguées)?',
  'sinc[èe]res salutations',
  'merci(?: beaucoup| d\'avance)?',
  'bonne journée',
  'amitiés',
  'saludos(?: cordiales)?',
  'un saludo(?: cordial)?',
  'atentamente',
  'cordialmente',
  'gracias',
  'muchas gracias',
  'abrazos?',
  'un abrazo',
  'atenciosamente',
  'abra(?:ç|c)os?',
  'obrigad[oa]',
  'muito obrigad[oa]',
  'cumprimentos',
  'melhores cumprimentos',
  'com os melhores cumprimentos',
  'met vriendelijke groet(?:en)?',
  'vriendelijke groet(?:en)?',
  'hartelijke groet(?:en)?',
  'groet(?:en|jes)?',
  'mvg',
  'bedankt',
  'dank je(?: wel)?',
  'dank u(?: wel)?',
]

/**
 * The start of a closing line that opens the signature ("Best regards,", "Mit freundlichen
 * Grüßen", "Cordialement", …), matched on the lower-cased line; longest formula first. What
 * follows it on the line must be at most a name (see `isValedictionLine`).
 */
export const valedictionPrefixPattern = new RegExp(
  `^(?:${[...valedictions].sort((a, b) => b.length - a.length).join('|')})(?=[\\s,.!-]|$)`,
  'u',
)

/**
 * True when a line is a closing formula, optionally followed by a capitalised name:
 * "Best," "Thanks, Ana", "Mit freundlichen Grüßen Jan Bakker" — but not "Thanks, let's talk".
 */
export function isValedictionLine(line: string): boolean {
  const trimmed = line.trim()
  const match = valedictionPrefixPattern.exec(trimmed.toLowerCase())
  if (!match) return false
  const rest = trimmed.slice(match[0].length)
  return /^[\s,.!-]*(?:\p{Lu}[\p{L}.'-]*[\s,.]*){0,3}$/u.test(rest)
}

/** Confidentiality disclaimers appended by mail gateways. */
export const disclaimerPattern =
  /^(?:this (?:e-?mail|message|communication)(?: and any (?:attachments?|files?)(?: transmitted with it)?)? (?:is|are|may be|contains?) (?:strictly )?(?:confidential|privileged|intended)|confidentiality (?:notice|note|warning)|disclaimer\s*:|the information (?:contained )?in this (?:e-?mail|message)|diese (?:e-?mail|nachricht) (?:enthält|ist|kann) .{0,40}vertraulich|ce (?:message|courriel|e-?mail) .{0,60}confidentiel|este (?:mensaje|correo|e-?mail) .{0,60}confidencial|esta mensagem .{0,60}confidencia|dit (?:e-?mail)?(?:bericht)? .{0,60}vertrouwelijk)/
