import type { BounceWords } from './bounce-words.js'

/**
 * Italian words of bounce notices (matched case-insensitively against the notice as
 * written). Italian has no built-in reply phrases, but Italian mail servers' notices are
 * always read.
 */
export const italianBounceWords: BounceWords = {
  failure: [
    "non (?:è|e'?) stat[oa] recapitat",
    'non recapitat',
    'mancato recapito',
    'impossibile recapitare',
  ],
  hard: [
    'indirizzo (?:e-?mail )?(?:inesistente|non valido)',
    'utente (?:sconosciuto|inesistente)',
  ],
  returnedCopySeparators: ['messaggio'],
}
