import type { BounceWords } from './bounce-words.js'

/** German words of bounce notices (matched case-insensitively against the notice as written). */
export const germanBounceWords: BounceWords = {
  failure: ['konnte nicht zugestellt werden', 'nicht zugestellt', 'unzustellbar'],
  delay: ['zustellung verz[oö]gert'],
  delaySubject: ['verz[oö]gert'],
  soft: ['postfach (?:ist )?voll', 'speicher(?:platz)? .{0,20}(?:voll|überschritten)'],
  hard: [
    'benutzer (?:unbekannt|existiert nicht)',
    'empf[aä]nger (?:unbekannt|nicht gefunden|existiert nicht)',
    'unbekannter empf[aä]nger',
    'existiert nicht',
  ],
  returnedCopySeparators: ['kopie', 'nachricht'],
}
