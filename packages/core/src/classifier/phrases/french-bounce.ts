import type { BounceWords } from './bounce-words.js'

/** French words of bounce notices (matched case-insensitively against the notice as written). */
export const frenchBounceWords: BounceWords = {
  success: ['remis avec succ[eè]s', 'a [ée]t[ée] (?:remis|distribu[ée]|d[ée]livr[ée])'],
  failure: [
    "n'a (?:pas )?pu (?:être|etre) (?:remis|distribu|d[ée]livr)",
    'non remis',
    "n'a (?:pas )?pu (?:être|etre) achemin",
  ],
  delay: ['remise diff[ée]r[ée]e'],
  reasons: {
    expired: [
      "d[ée]lai (?:de (?:remise|distribution) )?(?:expir[ée]|d[ée]pass[ée])",
      "n'a pas pu (?:être|etre) (?:remis|distribu[ée]) (?:depuis|pendant) \\d+ jours",
    ],
    spam_detected: [
      '(?:consid[ée]r[ée]|identifi[ée]|d[ée]tect[ée]) comme (?:un )?(?:spam|pourriel|courrier ind[ée]sirable)',
      'courrier ind[ée]sirable',
    ],
    blocked: ['(?:adresse ip|exp[ée]diteur|serveur)[^\\n]{0,40}(?:bloqu[ée]|blacklist[ée]|refus[ée])', 'liste noire'],
    message_too_big: ['message trop (?:volumineux|gros)', 'taille (?:maximale|limite) d[ée]pass[ée]e'],
    mailbox_full: [
      'bo[iî]te (?:aux lettres |de r[ée]ception )?(?:est )?pleine',
      'quota d[ée]pass[ée]',
      'espace de stockage (?:plein|insuffisant)',
    ],
    suspended: ['(?:compte|bo[iî]te(?: aux lettres)?) (?:est )?(?:d[ée]sactiv[ée]e?|suspendue?|bloqu[ée]e?|inactive?)'],
    host_unknown: ['domaine (?:inexistant|introuvable|inconnu)'],
    user_unknown: [
      'utilisateur inconnu',
      'destinataire inconnu',
      'adresse (?:introuvable|inconnue|inexistante|invalide)',
      'bo[iî]te (?:aux lettres )?inexistante',
      '(?:adresse|destinataire|utilisateur) inexistant',
      "n'existe pas",
    ],
    network_error: ['d[ée]lai de connexion', 'connexion (?:refus[ée]e|impossible|interrompue)'],
  },
  returnedCopySeparators: ["message d'origine"],
}
