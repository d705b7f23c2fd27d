import type { BounceWords } from './bounce-words.js'

/** Spanish words of bounce notices (matched case-insensitively against the notice as written). */
export const spanishBounceWords: BounceWords = {
  failure: [
    'no se (?:ha )?pod(?:ido|ía) entregar',
    'no (?:pudo|ha podido) ser entregado',
    'no pudo entregarse',
    'no se pudo entregar',
  ],
  delay: ['entrega retrasada'],
  soft: ['buz[oó]n (?:est[aá] )?lleno'],
  hard: [
    'usuario desconocido',
    'destinatario (?:desconocido|no encontrado|no existe)',
    '(?:direcci[oó]n|usuario|buz[oó]n) no existe',
  ],
  returnedCopySeparators: ['mensaje'],
}
