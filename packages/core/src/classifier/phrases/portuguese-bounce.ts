import type { BounceWords } from './bounce-words.js'

/** Portuguese words of bounce notices (matched case-insensitively against the notice as written). */
export const portugueseBounceWords: BounceWords = {
  success: ['entregue com sucesso'],
  failure: ['n[aã]o (?:p[oô]de|foi poss[ií]vel) (?:ser )?entreg'],
  delay: ['entrega atrasada'],
  reasons: {
    expired: [
      'tempo (?:de entrega )?(?:esgotado|expirado) na fila',
      'n[aã]o (?:p[oô]de|foi poss[ií]vel) (?:ser )?entreg\\w* (?:durante|em) \\d+ dias',
    ],
    spam_detected: ['(?:considerad[oa]|detectad[oa]|marcad[oa]|classificad[oa]) como (?:spam|lixo eletr[oô]nico)'],
    blocked: ['(?:ip|remetente|servidor)[^\\n]{0,40}(?:bloquead[oa]|na lista negra)', 'lista negra'],
    message_too_big: ['mensagem (?:é )?(?:muito|demasiado) grande', 'tamanho m[aá]ximo'],
    mailbox_full: [
      'caixa (?:de correio |postal )?(?:est[aá] )?(?:cheia|lotada)',
      'quota (?:excedida|ultrapassada)',
      'cota (?:excedida|ultrapassada)',
    ],
    suspended: [
      '(?:conta|caixa(?: de correio)?) (?:est[aá] |foi )?(?:desativad[oa]|suspens[oa]|bloquead[oa]|inativ[oa])',
    ],
    host_unknown: ['dom[ií]nio (?:n[aã]o existe|desconhecido|n[aã]o encontrado)'],
    user_unknown: [
      'destinat[aá]rio (?:desconhecido|inv[aá]lido|n[aã]o encontrado|n[aã]o existe)',
      'usu[aá]rio (?:desconhecido|n[aã]o existe|inexistente)',
      'utilizador (?:desconhecido|n[aã]o existe|inexistente)',
      'endere[cç]o (?:de e-?mail )?(?:n[aã]o existe|inexistente|inv[aá]lido)',
    ],
  },
  returnedCopySeparators: ['mensagem'],
}
