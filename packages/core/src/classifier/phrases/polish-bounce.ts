import type { BounceWords } from './bounce-words.js'

/**
 * Polish words of bounce notices (WP, Onet, Interia, home.pl). Polish has no built-in
 * reply phrases, but Polish mail servers' notices are always read.
 */
export const polishBounceWords: BounceWords = {
  success: ['dostarczon[ao] pomyślnie', 'pomyślnie dostarczon'],
  failure: ['nie (?:można|udało się|mogła zostać|może zostać) dostarczy', 'niedostarczon', 'nie została dostarczona'],
  delay: ['dostarczenie (?:wiadomości )?(?:jest )?opóźnione'],
  reasons: {
    spam_detected: ['(?:uznan[aoy]|rozpoznan[aoy]|oznaczon[aoy]) jako spam'],
    mailbox_full: [
      'skrzynka (?:odbiorcy )?(?:jest )?(?:pełna|przepełniona)',
      'przekroczon[oay] (?:limit|quota|pojemność)',
    ],
    suspended: [
      '(?:konto|skrzynka) (?:odbiorcy )?(?:jest |zostało |została )?(?:zablokowan|wyłączon|nieaktywn|zawieszon)',
    ],
    host_unknown: ['domena nie istnieje', 'nieznana domena'],
    user_unknown: [
      '(?:użytkownik|odbiorca|adres) (?:nie istnieje|nieznany|nie został znaleziony)',
      'nieznany (?:użytkownik|odbiorca|adres)',
      'brak (?:takiego )?(?:użytkownika|skrzynki)',
    ],
  },
  returnedCopySeparators: ['wiadomość', 'oryginał'],
}
