import type { RuleLanguage } from './phrases/language-phrases.js'
import type { StructureWords } from './phrases/structure-words.js'

/** One language's structural word families, compiled (each a global union). */
export interface CompiledStructure {
  language: RuleLanguage
  families: Record<keyof StructureWords, RegExp | null>
}

const familyNames: readonly (keyof StructureWords)[] = [
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
]

/** Compiles a language's structure words; null when the language has none. */
export function compileStructure(language: RuleLanguage, words: StructureWords | undefined): CompiledStructure | null {
  if (words === undefined) return null
  const families = {} as Record<keyof StructureWords, RegExp | null>
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
export function matchFamily(structures: readonly CompiledStructure[], family: keyof StructureWords, text: string): FamilyMatch[] {
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
export function hasFamily(structures: readonly CompiledStructure[], family: keyof StructureWords, text: string): boolean {
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
  const families = {} as Record<keyof StructureWords, RegExp | null>
  for (const name of familyNames) {
    const sources = structures.map((structure) => structure.families[name]?.source).filter((source) => source !== undefined)
    families[name] = sources.length === 0 ? null : new RegExp(sources.map((source) => `(?:${source})`).join('|'), 'g')
  }
  const union: CompiledStructure = { language: structures[0]?.language ?? 'en', families }
  unions.set(structures, union)
  return union
}

/** The first language whose `family` matches `text` (for reporting a hit). */
export function languageOf(structures: readonly CompiledStructure[], family: keyof StructureWords, text: string): RuleLanguage {
  return structures.find((structure) => hasFamily([structure], family, text))?.language ?? structures[0]?.language ?? 'en'
}
