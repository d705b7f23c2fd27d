import type { BounceWords } from './bounce-words.js'

/** Spanish words of bounce notices (matched case-insensitively against the notice as written). */
export const spanishBounceWords: BounceWords = {
  success: ['entregado correctamente', 'entregado con [eé]xito'],
  failure: [
    'no se (?:ha )?pod(?:ido|ía) entregar',
    'no (?:pudo|ha podido) ser entregado',
    'no pudo entregarse',
    'no se pudo entregar',
  ],
  delay: ['entrega retrasada'],
  reasons: {
    expired: [
      'tiempo (?:de entrega |m[aá]ximo )?(?:agotado|expirado|excedido) (?:en la cola|tras)',
      'no se (?:ha )?podido entregar (?:durante|en) \\d+ d[ií]as',
    ],
    spam_detected: [
      '(?:considerado|detectado|marcado|clasificado) como (?:spam|correo no deseado)',
      'correo no deseado',
    ],
    blocked: ['(?:ip|remitente|servidor)[^\\n]{0,40}(?:bloquead[oa]|en lista negra)', 'lista negra'],
    message_too_big: ['mensaje (?:es )?demasiado grande', 'tama[ñn]o m[aá]ximo'],
    mailbox_full: ['buz[oó]n (?:de correo )?(?:est[aá] )?lleno', 'cuota (?:excedida|superada)'],
    suspended: ['(?:cuenta|buz[oó]n) (?:est[aá] |ha sido )?(?:desactivad[oa]|suspendid[oa]|bloquead[oa]|inactiv[oa])'],
    host_unknown: ['dominio (?:no existe|desconocido|no encontrado)'],
    user_unknown: [
      'usuario desconocido',
      'destinatario (?:desconocido|no encontrado|no existe|no v[aá]lido)',
      '(?:direcci[oó]n|usuario|buz[oó]n|cuenta) no existe',
    ],
    network_error: ['tiempo de conexi[oó]n agotado', 'conexi[oó]n (?:rechazada|fallida|interrumpida)'],
  },
  returnedCopySeparators: ['mensaje'],
}
