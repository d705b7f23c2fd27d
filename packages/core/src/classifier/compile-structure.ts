import type { RuleLanguage } from './phrases/language-phrases.js'
import type { StructureWords } from './phrases/structure-words.js'

const familyNames = [
  'handOffVerbs',
  'handOffByWriter',
  'responsibility',
  'roles',
  'assistants',
  'firstPerson',
  'removalVerbs',
  'removalObjects',
  'containers',
  'stopVerbs',
  'mailing',
  'again',
  'availability',
  'contactMe',
  'nowTimes',
  'incumbent',
  'scheduling',
] as const

/** A word family the structural signals match (the auxiliary lists of `StructureWords` are compiled into a {@link StructureReading}). */
export type StructureFamily = (typeof familyNames)[number]

/** One language's structural word families, compiled (each a global union). */
export interface CompiledStructure {
  language: RuleLanguage
  families: Record<StructureFamily, RegExp | null>
}

/** Compiles a language's structure words; null when the language has none. */
export function compileStructure(language: RuleLanguage, words: StructureWords | undefined): CompiledStructure | null {
  if (words === undefined) return null
  const families = {} as Record<StructureFamily, RegExp | null>
  for (const name of familyNames) {
    const sources = words[name]
    families[name] = sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'g')
  }
  return { language, families }
}

/** A match of a word family in a text. */
export interface FamilyMatch {
  text: string
  index: number
  end: number
}

/** Every match of `family` in `text`, across the given languages. */
export function matchFamily(structures: readonly CompiledStructure[], family: StructureFamily, text: string): FamilyMatch[] {
  const matches: FamilyMatch[] = []
  for (const structure of structures) {
    const pattern = structure.families[family]
    if (pattern === null) continue
    pattern.lastIndex = 0
    for (const match of text.matchAll(pattern)) {
      if (match[0] === '') continue
      matches.push({ text: match[0], index: match.index, end: match.index + match[0].length })
    }
  }
  return matches.sort((a, b) => a.index - b.index)
}

/** True when `family` matches anywhere in `text`. */
export function hasFamily(structures: readonly CompiledStructure[], family: StructureFamily, text: string): boolean {
  for (const structure of structures) {
    const pattern = structure.families[family]
    if (pattern === null) continue
    pattern.lastIndex = 0
    if (pattern.test(text)) {
      pattern.lastIndex = 0
      return true
    }
  }
  return false
}

const unions = new WeakMap<readonly CompiledStructure[], CompiledStructure>()

/**
 * One structure whose families are the union of every language's (cached per array): a
 * reply is read in all languages at once, so one regular expression per family is enough;
 * the language is looked up only for a hit ({@link languageOf}).
 */
export function unionOf(structures: readonly CompiledStructure[]): CompiledStructure {
  const cached = unions.get(structures)
  if (cached !== undefined) return cached
  const families = {} as Record<StructureFamily, RegExp | null>
  for (const name of familyNames) {
    const sources = structures.map((structure) => structure.families[name]?.source).filter((source) => source !== undefined)
    families[name] = sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'g')
  }
  const union: CompiledStructure = { language: structures[0]?.language ?? 'en', families }
  unions.set(structures, union)
  return union
}

/** The first language whose `family` matches `text` (for reporting a hit). */
export function languageOf(structures: readonly CompiledStructure[], family: StructureFamily, text: string): RuleLanguage {
  return structures.find((structure) => hasFamily([structure], family, text))?.language ?? structures[0]?.language ?? 'en'
}

/** The structure words' auxiliary lists of some languages, compiled once per phrase set (each null when no language has words for it). */
export interface StructureReading {
  /** A removal verb that needs a particle or a list ("take", "haal", "tragen"): the whole verb. */
  weakRemoval: RegExp | null
  /** A particle right after the object ("off", "uit", "aus"). */
  particle: RegExp | null
  /** A word right before a removal object that makes it something else ("let"). */
  notRemovalBeforeObject: RegExp | null
  /** A removal verb ending in its object ("bórrenme", "retirez-moi"). */
  encliticEnding: RegExp | null
  /** A hyphenated object right after the verb ("-moi", "-me"). */
  hyphenatedObject: RegExp | null
  /** A removal verb whose object may come first: the whole verb. */
  objectFirstVerb: RegExp | null
  /** Such an object right before the verb. */
  objectBeforeVerb: RegExp | null
  /** The writer as object ("me", "mich", "moi"). */
  writer: RegExp | null
  /** A mailing noun: the whole word. */
  mailNoun: RegExp | null
  /** A form of a stop verb that asks to stop only as the object of a wish ("if you stopped …", "que dejaran de …"), anywhere (global). */
  wishedStop: RegExp | null
  /** A word that may stand next to a bare removal or stop verb: the whole word. */
  requestCompanion: RegExp | null
  /** A negation that makes a reply worth reading for never-again requests. */
  neverAgainNegation: RegExp | null
  /** A negation that makes a reply worth reading for "not now" refusals. */
  objectionNegation: RegExp | null
  /** A word that negates an incumbent or "now": the whole word. */
  objectionNegationWord: RegExp | null
  /** A signature or contact line (case-insensitive, as written). */
  contactLine: RegExp
  /** A hand-off to an address, even in a contact line (case-insensitive, as written). */
  toAddress: RegExp | null
  /** Words after a hand-off verb that point back at the writer. */
  pointsBack: RegExp | null
  /** Routing boilerplate at the start of a sentence. */
  routing: RegExp | null
  /** A copula after a role ("our VP Sales is …"). */
  copula: RegExp | null
  /** Words that make a following verb a noun. */
  determiners: ReadonlySet<string>
  /** A preposition before a person's name (case-insensitive, as written). */
  towards: RegExp | null
  /** Capitalised words that are not people (lower case). */
  notNames: ReadonlySet<string>
  /** Greetings before a name, as one alternation source (for the vocative check). */
  greetingsBeforeName: string | null
  /** A verb right before a person's name (case-insensitive, as written). */
  nameVerb: RegExp | null
}

/** What a language gives for the structure readings: its structure words and negations (for the defaults). */
interface StructureSource {
  structure?: StructureWords
  negationsBefore: readonly string[]
  negationsAfter: readonly string[]
}

/** Capitalised words that are no person's name in any language: products, and our own sender's name in the fixtures. */
const productNames = ['sam', 'linkedin', 'whatsapp', 'teams', 'zoom', 'google', 'outlook', 'gmail']

function escapeWord(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Compiles the auxiliary structure lists of some languages (once per phrase set). */
export function compileStructureReading(languages: readonly StructureSource[]): StructureReading {
  const all = (field: keyof StructureWords) => languages.flatMap((language) => language.structure?.[field] ?? [])
  const words = (field: keyof StructureWords, prefix: string, suffix: string, flags?: string): RegExp | null => {
    const list = all(field)
    return list.length === 0 ? null : new RegExp(`${prefix}(?:${list.join('|')})${suffix}`, flags)
  }
  const sources = (field: 'writerObjects' | 'neverAgainNegations' | 'objectionNegations', fallback: boolean): RegExp | null => {
    const list = languages.flatMap((language) => {
      const own = language.structure?.[field]
      if (own !== undefined || !fallback || language.structure === undefined) return own ?? []
      const negations = [...language.negationsBefore, ...language.negationsAfter]
      return negations.length === 0 ? [] : [`\\b(?:${negations.map(escapeWord).join('|')})\\b`]
    })
    return list.length === 0 ? null : new RegExp(list.map((source) => `(?:${source})`).join('|'))
  }
  const labels = all('contactLabels')
  const greetings = all('greetingsBeforeName')
  return {
    weakRemoval: words('weakRemovalVerbs', '^', '$'),
    particle: words('removalParticles', '^\\s*', '\\b'),
    notRemovalBeforeObject: words('notRemovalBeforeObject', '\\b', '$'),
    encliticEnding: words('encliticEndings', '', '$'),
    hyphenatedObject: words('hyphenatedObjects', '^-', '\\b'),
    objectFirstVerb: words('objectFirstRemovalVerbs', '^', '$'),
    objectBeforeVerb: words('objectsBeforeRemoval', '\\b', '\\s+(?:[a-z]+\\s+)?$'),
    writer: sources('writerObjects', false),
    mailNoun: words('mailNouns', '^', '$'),
    wishedStop: words('wishedStopVerbs', '\\b', '\\b', 'g'),
    requestCompanion: words('requestCompanions', '^', '$'),
    neverAgainNegation: sources('neverAgainNegations', true),
    objectionNegation: sources('objectionNegations', true),
    objectionNegationWord: words('objectionNegationWords', '^', '$'),
    contactLine: new RegExp(`\\|${labels.length > 0 ? `|^\\s*(?:${labels.join('|')})\\s*[:.]` : ''}|\\+?\\d[\\d ().-]{7,}\\d`, 'i'),
    toAddress: words('toAddressWords', '\\b', '\\b[^@]*@', 'i'),
    pointsBack: words('pointsBack', '^\\s*', '\\b'),
    routing: words('routingOpeners', '^', ''),
    copula: words('copulas', '^[\\s,:-]*', '\\b'),
    determiners: new Set(all('determiners')),
    towards: words('towards', '(?:^|\\s)', '\\s+$', 'i'),
    notNames: new Set([...all('notNames'), ...productNames]),
    greetingsBeforeName: greetings.length === 0 ? null : greetings.join('|'),
    nameVerb: words('nameVerbs', '(?:^|\\s)', '\\s+$', 'i'),
  }
}
