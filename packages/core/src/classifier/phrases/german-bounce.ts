import type { BounceWords } from './bounce-words.js'

/** German words of bounce notices (matched case-insensitively against the notice as written). */
export const germanBounceWords: BounceWords = {
  success: ['erfolgreich zugestellt', 'zustellung erfolgreich', 'wurde zugestellt'],
  failure: ['konnte nicht zugestellt werden', 'nicht zugestellt', 'unzustellbar'],
  delay: ['zustellung verz[oö]gert'],
  delaySubject: ['verz[oö]gert'],
  reasons: {
    expired: [
      '(?:zustell|aufbewahrungs)(?:ungs)?(?:zeit|frist) (?:ist )?(?:abgelaufen|überschritten)',
      'konnte (?:seit|innerhalb von) \\d+ (?:tagen|stunden) nicht zugestellt',
    ],
    spam_detected: ['als spam (?:eingestuft|erkannt|abgelehnt)', 'spamverdacht'],
    blocked: ['(?:ip|absender|server)[^\\n]{0,40}(?:gesperrt|blockiert)', 'sperrliste'],
    policy_violation: ['richtlinie'],
    message_too_big: ['nachricht (?:ist )?zu gro(?:ß|ss)', 'gr(?:ö|oe)(?:ß|ss)enbeschr[aä]nkung'],
    mailbox_full: [
      'postfach (?:ist )?(?:voll|überfüllt)',
      'speicher(?:platz)? .{0,20}(?:voll|überschritten)',
      'kontingent (?:ist )?(?:erschöpft|überschritten)',
      'quota überschritten',
    ],
    suspended: [
      '(?:postfach|konto|benutzerkonto|account) (?:ist |wurde )?(?:deaktiviert|gesperrt|stillgelegt|inaktiv)',
    ],
    host_unknown: ['domain (?:existiert nicht|nicht gefunden|unbekannt)', 'unbekannte domain'],
    user_unknown: [
      'benutzer (?:unbekannt|existiert nicht)',
      'empf[aä]nger(?:adresse)? (?:ist )?(?:unbekannt|nicht gefunden|existiert nicht|ung[uü]ltig)',
      'unbekannter empf[aä]nger',
      'postfach (?:existiert nicht|nicht gefunden|nicht vorhanden)',
      'existiert nicht',
    ],
    network_error: ['zeit(?:ü|ue)berschreitung', 'verbindung (?:abgelehnt|fehlgeschlagen|unterbrochen)'],
  },
  returnedCopySeparators: ['kopie', 'nachricht'],
}
