import type { StructureWords } from './structure-words.js'

/** Portuguese word families for the structural signals (folded: no accents, `ç` → `c`). */
export const portugueseStructure: StructureWords = {
  handOffVerbs: [
    '\\b(?:fale|falar|fala|converse|conversar) (?:direto |diretamente )?com\\b',
    '\\bentr(?:e|ar) em contato com\\b',
    '\\bcontat(?:e|ar|a)\\b',
    '\\bcontact(?:e|ar|a)\\b',
    '\\b(?:escreva|escrever|mande um e-?mail|mande e-?mail|envie um e-?mail|manda um e-?mail) (?:direto )?(?:para|pra|ao|a)\\b',
    '\\bprocur(?:e|ar|a) (?:o|a|pelo|pela)\\b',
    '\\bpergunt(?:e|ar) (?:ao|a|para|pra)\\b',
  ],
  handOffByWriter: [
    '\\bencaminh(?:ei|o|ar|ando|ado|arei)\\b',
    '\\bcopi(?:ando|ei|o)\\b',
    '\\b(?:em copia|cc)\\b',
    '\\brepass(?:ei|o|ar|ando)\\b',
  ],
  responsibility: [
    '\\bcuida (?:disso|desse|dessa|da|do|dos|das|deste|desta)\\b',
    '\\bquem (?:cuida|decide|ve|toca)\\b',
    '\\be (?:o|a) responsavel\\b',
    '\\bresponsavel (?:pela|pelo|por)\\b',
    '\\b(?:isso|isto|esse assunto|este assunto|esse tema) e com\\b',
  ],
  roles: [
    '\\b(?:meu|minha|meus|minhas|nosso|nossa|nossos|nossas) (?:[a-z-]+ )?(?:colega|colegas|chefe|diretor|diretora|gerente|responsavel|socio|socia|area|departamento|equipe|time|ceo|cto|cfo|coo)\\b',
    '\\b(?:o|a) (?:dra?|sr|sra)\\.? [a-z]+\\b',
  ],
  assistants: ['\\b(?:minha|meu|nossa) (?:assistente|secretaria|secretario)\\b'],
  firstPerson: ['\\b(?:eu|vou|vamos|preciso|precisamos|tenho que|temos que|deixa eu|deixe-me)\\b'],
  removalVerbs: [
    '\\b(?:remov(?:er|am|a|e|endo)|retir(?:ar|em)|exclu(?:ir|am|a|i)|apag(?:ar|uem|ue|a)|tir(?:ar|em|e|a)|descadastr(?:ar|em|e|a)|elimin(?:ar|em|e|a)|delet(?:ar|em|e|a))(?:-me|-nos)?\\b',
  ],
  removalObjects: [
    '\\b(?:me|nos)\\b',
    '\\b(?:meu|minha|meus|minhas|nosso|nossos) (?:e-?mail|e-?mails|endereco|contato|contatos|contacto|dados|nome|cadastro)\\b',
  ],
  containers: ['\\b(?:(?:da|de|do|das|dos) (?:sua |seu |suas |seus |vossa |vossas |esta |essa )?|(?:dessa|desta|desse|deste|dessas|destas) )(?:lista|listas|base|base de dados|banco de dados|cadastro|sistema|mailing|envios)\\b'],
  stopVerbs: ['\\b(?:par(?:em|e|ar)|deix(?:em|e|ar)|cess(?:em|e|ar)) de\\b'],
  mailing: ['\\b(?:mand(?:ar|em|e|ando|a)|envi(?:ar|em|e|ando)|escrev(?:er|am|a)|contat(?:ar|em)|e-?mails?|mensagens?|emails?|comunicacoes|propaganda)\\b'],
  again: ['\\b(?:mais|nunca|de novo|novamente|outra vez)\\b'],
  availability: [
    '\\bquando (?:voce|voces|podemos|poderiamos|fica bom|seria bom|tem)\\b',
    '\\b(?:sua|seu) (?:disponibilidade|agenda)\\b',
    '\\b(?:esta|estaria|voce esta|voce estaria) disponivel\\b',
    '\\b(?:tem|teria) (?:um )?(?:horario|tempo|disponibilidade)\\b',
    '\\b(?:estou|estarei) (?:[a-z]+ )?(?:disponivel|livre)\\b',
  ],
  contactMe: [
    '\\bme (?:liga|ligue|ligar|chama|chame)\\b',
    '\\blig(?:ue|a)(?:-me| pra mim| para mim)\\b',
    '\\bmeu (?:celular|telefone|numero|whatsapp|zap)\\b',
  ],
  nowTimes: ['\\b(?:agora|no momento|neste momento|nesse momento|atualmente|por enquanto|este ano|esse ano|por agora)\\b'],
  incumbent: [
    // round 6: signed with another vendor
    '\\bcom (?:outro|um) (?:fornecedor|concorrente|parceiro)\\b',
    '\\bcom a concorrencia\\b',
    '\\bja (?:temos|usamos|utilizamos|trabalhamos|contamos|estamos)\\b',
    '\\b(?:nosso|nossa) (?:[a-z-]+ )?(?:fornecedor|agencia|parceiro|solucao|ferramenta|sistema|contrato) (?:atual|de sempre)\\b',
  ],
  scheduling: ['\\b(?:convite|reuniao|call|ligacao|chamada|agenda|horario|horarios|demo|demonstracao|teams|zoom|meet)\\b'],
  hyphenatedObjects: ['me', 'nos'],
  writerObjects: ['\\b(?:me|nos|mim)\\b'],
  mailNouns: ['mensagens?', 'comunicacoes'],
  requestCompanions: ['por', 'favor', 'obrigado'],
  neverAgainNegations: ['\\b(?:nao|nunca)\\b'],
  objectionNegations: ['\\b(?:nao|nunca)\\b'],
  objectionNegationWords: ['nao'],
  contactLabels: ['assistente'],
  toAddressWords: ['com', 'a'],
  pointsBack: ['me', 'nos', 'mim'],
  routingOpeners: ['em caso de', 'para (?:suporte|duvidas|mais informacoes)', 'se (?:tiver|tiverem) (?:alguma )?(?:duvida|pergunta)'],
  copulas: ['sao'],
  towards: ['com', 'o', 'para', 'pra'],
  greetingsBeforeName: ['oi', 'ola'],
}
