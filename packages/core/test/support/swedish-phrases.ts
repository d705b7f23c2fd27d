import type { LanguagePhrases, StructureWords } from '../../src/index.js'

/**
 * A small Swedish phrase table, written for the test that adds a seventh language the way
 * a user would: one `LanguagePhrases` object passed to `createRuleClassifier`. Patterns are
 * written against folded text (lower case, no accents: "låter" → "later", "för" → "for"),
 * except the bounce words, which are matched against the notice as written.
 */
export const swedishPhrases: LanguagePhrases = {
  language: 'sv',
  stopwords: ['och', 'jag', 'det', 'att', 'en', 'ett', 'som', 'pa', 'ar', 'vi', 'inte', 'med', 'for', 'har', 'till', 'av', 'om', 'du', 'ni', 'er', 'tack', 'hej', 'mig', 'oss', 'den', 'kan'],
  negationsBefore: ['inte', 'ej', 'aldrig', 'ingen', 'inget', 'inga', 'utan'],
  negationsAfter: ['inte', 'ej', 'aldrig'],
  positive: [
    '\\b(?:later|verkar|ser) (?:mycket |valdigt |riktigt )?(?:intressant|spannande|bra ut)\\b',
    '\\b(?:jag|vi) ar (?:mycket |valdigt )?intresserade?\\b',
    '\\b(?:boka|bokar|satta upp|ta) (?:ett|en) (?:kort |snabbt )?(?:samtal|mote|demo|genomgang)\\b',
    '\\bberatta (?:garna )?mer\\b',
    '\\bgarna (?:ett|en) (?:samtal|mote|demo)\\b',
  ],
  shortPositive: ['(?:ja|ja tack|garna|absolut|javisst|sjalvklart|later bra)(?:,? tack)?'],
  question: ['\\b(?:vad|hur mycket) kostar\\b', '\\bvad (?:ar|blir) priset\\b', '\\bhur fungerar\\b'],
  referral: ['\\b(?:prata|tala) med (?:min|var) (?:kollega|chef|inkopare)\\b', '\\bjag ar inte ratt person\\b'],
  negative: ['\\binte intresserade?\\b', '\\bnej tack\\b', '\\binget (?:intresse|behov)\\b', '\\bvi (?:har redan|anvander redan)\\b'],
  shortNegative: ['(?:nej|nej tack|inte intresserade?|inget intresse)(?:,? tack)?'],
  deferral: ['\\binte (?:just )?nu\\b', '\\bhor av (?:dig|er) (?:igen )?(?:efter|nasta)\\b'],
  undecided: ['\\b(?:jag|vi) (?:maste|ska) fundera\\b', '\\blat (?:mig|oss) fundera\\b'],
  unsubscribe: [
    '\\bta bort (?:mig|oss|min (?:e-?postadress|adress|mejladress))\\b',
    '\\bavregistrera (?:mig|oss)\\b',
    '\\bsluta (?:att )?(?:skicka|mejla|maila)\\b',
    '\\bvill inte (?:ha|fa) (?:fler|mer) (?:mejl|mail|e-?post|utskick)\\b',
  ],
  outOfOffice: [
    '\\b(?:ar|befinner mig) (?:pa )?(?:semester|tjanstledig|foraldraledig|ledig)\\b',
    '\\bfranvarande\\b',
    '\\bbegransad tillgang till (?:e-?post|mejl|mail)\\b',
    '\\b(?:tillbaka|atervander|ater pa kontoret) (?:den|pa|efter)\\b',
  ],
  autoReply: ['\\btack for ditt (?:meddelande|mejl|mail)\\b', '\\bvi har tagit emot ditt (?:meddelande|arende)\\b', '\\bdetta ar ett automatiskt (?:svar|meddelande)\\b'],
  leftCompany: ['\\b(?:arbetar|jobbar) inte (?:langre|kvar) (?:pa|hos)\\b', '\\bhar slutat (?:pa|hos)\\b'],
  greetings: ['hej', 'hejsan', 'hallo', 'god (?:morgon|dag|kvall)', 'basta'],
  bareNo: ['nej', 'nix'],
  bareNoFollowers: ['tack'],
  negationsInPhrase: ['inte', 'ej'],
  negationAfterVerb: ['inte'],
  absenceSubject: ['fr[aå]nvar', 'semester'],
  plainAbsence: ['franvarande'],
  durationUnits: ['timm(?:e|ar)', 'dagar?', 'veckor?'],
  calendarWords: ['\\b(?:mandag|tisdag|onsdag|torsdag|fredag|lordag|sondag)\\b', '\\b(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)\\b'],
  bounce: {
    failure: ['kunde inte levereras', 'har inte levererats', 'leveransen misslyckades', 'gick inte att leverera'],
    delay: ['leveransen (?:har )?f[oö]rdr[oö]jts', 'vi f[oö]rs[oö]ker igen'],
    reasons: {
      mailbox_full: ['brevl[aå]dan [aä]r full'],
      system_error: ['f[oö]rs[oö]k igen senare'],
      user_unknown: ['mottagaren finns inte', 'adressen finns inte', 'ok[aä]nd (?:mottagare|anv[aä]ndare)'],
    },
    returnedCopySeparators: ['originalmeddelande', 'ursprungligt meddelande'],
  },
}

/**
 * A few Swedish structure words: enough for a never-again request found from its structure
 * ("Mejla mig inte igen."), whose negation check falls back to the table's negations.
 */
export const swedishStructure: StructureWords = {
  handOffVerbs: [],
  handOffByWriter: [],
  responsibility: [],
  roles: [],
  assistants: [],
  firstPerson: ['\\b(?:jag|vi)\\b'],
  removalVerbs: [],
  removalObjects: [],
  containers: [],
  stopVerbs: [],
  mailing: ['\\b(?:mejla|maila|skicka|mejl|mail|e-?post)\\b'],
  again: ['\\b(?:igen|mer|fler)\\b'],
  availability: [],
  contactMe: [],
  nowTimes: [],
  incumbent: [],
  scheduling: [],
  writerObjects: ['\\b(?:mig|oss)\\b'],
}
