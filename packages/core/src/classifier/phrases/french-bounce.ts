import type { BounceWords } from './bounce-words.js'

/** French words of bounce notices (matched case-insensitively against the notice as written). */
export const frenchBounceWords: BounceWords = {
  failure: [
    "n'a (?:pas )?pu (?:être|etre) (?:remis|distribu|d[ée]livr)",
    'non remis',
    "n'a (?:pas )?pu (?:être|etre) achemin",
  ],
  delay: ['remise diff[ée]r[ée]e'],
  soft: ['bo[iî]te (?:aux lettres )?pleine'],
  hard: [
    'utilisateur inconnu',
    'destinataire inconnu',
    'adresse (?:introuvable|inconnue|inexistante)',
    'bo[iî]te (?:aux lettres )?inexistante',
    '(?:adresse|destinataire) inexistant',
  ],
  returnedCopySeparators: ["message d'origine"],
}
