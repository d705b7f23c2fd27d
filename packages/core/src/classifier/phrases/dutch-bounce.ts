import type { BounceWords } from './bounce-words.js'

/** Dutch words of bounce notices (matched case-insensitively against the notice as written). */
export const dutchBounceWords: BounceWords = {
  failure: [
    'kon niet (?:worden )?(?:bezorgd|afgeleverd)',
    'kan niet worden bezorgd',
    'niet afgeleverd',
    'onbestelbaar',
  ],
  delay: ['vertraagd'],
  soft: ['mailbox (?:is )?vol', 'postvak (?:is )?vol'],
  hard: [
    'gebruiker (?:onbekend|bestaat niet)',
    'onbekende (?:gebruiker|ontvanger)',
    'adres (?:bestaat niet|niet gevonden)',
  ],
  returnedCopySeparators: ['bericht'],
}
