import type { BounceWords } from './bounce-words.js'

/**
 * Italian words of bounce notices (matched case-insensitively against the notice as
 * written). Italian has no built-in reply phrases, but Italian mail servers' notices are
 * always read.
 */
export const italianBounceWords: BounceWords = {
  success: ['recapitat[oa] con successo'],
  failure: [
    "non (?:è|e'?) stat[oa] recapitat",
    'non recapitat',
    'mancato recapito',
    'impossibile recapitare',
  ],
  reasons: {
    spam_detected: ['(?:considerat[oa]|rilevat[oa]|classificat[oa]) come (?:spam|posta indesiderata)'],
    mailbox_full: [
      'casella (?:di posta )?(?:è )?piena',
      'quota (?:superata|esaurita)',
      'spazio (?:esaurito|insufficiente)',
    ],
    suspended: ['(?:casella|account|utenza) (?:è )?(?:disattivat[oa]|sospes[oa]|bloccat[oa]|inattiv[oa])'],
    host_unknown: ['dominio (?:inesistente|sconosciuto|non trovato)'],
    user_unknown: [
      'indirizzo (?:e-?mail )?(?:inesistente|non valido)',
      'utente (?:sconosciuto|inesistente|non esiste)',
      'destinatario (?:sconosciuto|inesistente)',
    ],
  },
  returnedCopySeparators: ['messaggio'],
}
