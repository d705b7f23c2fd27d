import type { BounceWords } from './bounce-words.js'

/** Dutch words of bounce notices (matched case-insensitively against the notice as written). */
export const dutchBounceWords: BounceWords = {
  success: ['succesvol (?:afgeleverd|bezorgd)', 'is (?:afgeleverd|bezorgd)'],
  failure: [
    'kon niet (?:worden )?(?:bezorgd|afgeleverd)',
    'kan niet worden bezorgd',
    'niet afgeleverd',
    'onbestelbaar',
  ],
  delay: ['vertraagd'],
  reasons: {
    spam_detected: ['(?:aangemerkt|herkend|beschouwd|geweigerd) als (?:spam|ongewenste e-?mail)'],
    blocked: ['(?:ip|afzender|server)[^\\n]{0,40}(?:geblokkeerd|op een zwarte lijst)', 'zwarte lijst'],
    message_too_big: ['bericht (?:is )?te groot'],
    mailbox_full: ['(?:mailbox|postvak|postbus) (?:is )?vol', 'quotum (?:overschreden|bereikt)'],
    suspended: ['(?:account|mailbox|postvak) (?:is )?(?:gedeactiveerd|uitgeschakeld|geblokkeerd|opgeschort|inactief)'],
    host_unknown: ['domein (?:bestaat niet|onbekend|niet gevonden)'],
    user_unknown: [
      'gebruiker (?:onbekend|bestaat niet)',
      'onbekende (?:gebruiker|ontvanger)',
      'adres (?:bestaat niet|niet gevonden|is ongeldig)',
      'ontvanger (?:bestaat niet|onbekend|niet gevonden)',
    ],
  },
  returnedCopySeparators: ['bericht'],
}
