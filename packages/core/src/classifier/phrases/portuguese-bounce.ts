import type { BounceWords } from './bounce-words.js'

/** Portuguese words of bounce notices (matched case-insensitively against the notice as written). */
export const portugueseBounceWords: BounceWords = {
  failure: ['n[aã]o (?:p[oô]de|foi poss[ií]vel) (?:ser )?entreg'],
  delay: ['entrega atrasada'],
  soft: ['caixa (?:de correio )?(?:est[aá] )?(?:cheia|lotada)'],
  hard: [
    'destinat[aá]rio (?:desconhecido|inv[aá]lido|n[aã]o encontrado)',
    'usu[aá]rio desconhecido',
    'endere[cç]o (?:de e-?mail )?n[aã]o existe',
  ],
  returnedCopySeparators: ['mensagem'],
}
