import type { StructureWords } from './structure-words.js'

/** Dutch word families for the structural signals (folded). */
export const dutchStructure: StructureWords = {
  handOffVerbs: [
    '\\b(?:neem|neemt|nemen) (?:[a-z]+ )?contact op met\\b',
    '\\bcontact (?:op)?nemen met\\b',
    '\\b(?:mail|mailen|mailt|stuur|stuurt|sturen)(?: [a-z]+){0,2} naar\\b',
    '\\b(?:bel|bellen|belt) met\\b',
    '\\b(?:vraag|vragen|vraagt) (?:het )?(?:aan|bij)\\b',
    '\\bprobeer (?:het )?(?:[a-z]+ )?bij\\b',
    '\\b(?:moet|moeten|kun|kunt|kan) (?:je|u|jullie) (?:[a-z]+ )?(?:bij|zijn bij)\\b',
    '\\b(?:benader|wend (?:je|u) (?:tot|aan))\\b',
  ],
  handOffByWriter: [
    '\\b(?:doorgestuurd|doorsturen|doorgezet|doorgegeven)\\b',
    '\\b(?:stuur|geef|zet) (?:het|dit|je mail|je bericht|uw bericht) door\\b',
    '\\b(?:in de cc|in cc|cc)\\b',
  ],
  responsibility: [
    '\\b(?:gaat|gaan) (?:daar|hier|erover|over)\\b',
    '\\bdaar gaat (?:[a-z]+ ){1,3}over\\b',
    '\\b(?:is verantwoordelijk|verantwoordelijk voor|regelt|beslist|beheert|ligt bij)\\b',
  ],
  roles: ['\\b(?:mijn|onze|ons) (?:[a-z-]+ )?(?:collega|collega\'s|baas|manager|directeur|directie|leidinggevende|inkoper|inkoop|afdeling|team|teamleider|salesmanager|verkoopleider|eigenaar|vennoot|ceo|cto|cfo|coo)\\b'],
  assistants: ['\\b(?:mijn|onze) (?:assistente?|secretaresse|office ?manager|managementassistente?)\\b'],
  firstPerson: ['\\b(?:ik|we|wij|laat me)\\b'],
  removalVerbs: ['\\b(?:verwijder|verwijderen|verwijdert|haal|halen|schrap|schrappen|uitschrijven|schrijf)\\b'],
  removalObjects: [
    '\\b(?:me|mij|ons)\\b',
    '\\b(?:mijn|ons|onze) (?:e-?mail(?:adres)?|mailadres|adres|gegevens|contactgegevens|naam)\\b',
  ],
  containers: ['\\b(?:uit|van) (?:uw|jullie|je|het|de|dit|deze|jouw) (?:[a-z-]+ )?(?:lijst|mailinglijst|bestand|database|systeem|adressenbestand|verzendlijst|crm|nieuwsbrief)\\b'],
  stopVerbs: ['\\b(?:stop|stoppen|stopt|ophouden|hou op|houd op)\\b'],
  mailing: ['\\b(?:mailen|mailt|mail|mails|e-?mails?|berichten|sturen|stuur|benaderen|benader|contacteren|nieuwsbrieven?|mailtjes)\\b'],
  again: ['\\b(?:meer|nooit|opnieuw|weer)\\b'],
  availability: [
    '\\bwanneer (?:heb je|heeft u|hebben jullie|kun je|kunt u|kunnen we|schikt|past|komt het)\\b',
    '\\b(?:heb je|heeft u|hebben jullie) (?:[a-z]+ )?tijd\\b',
    '\\b(?:ben je|bent u) (?:[a-z]+ )?beschikbaar\\b',
    '\\b(?:jouw|uw|je) beschikbaarheid\\b',
    '\\b(?:ik ben|ben ik) (?:[a-z]+ )?beschikbaar\\b',
  ],
  contactMe: [
    '\\bbel (?:me|mij|ons)\\b',
    '\\b(?:me|mij) (?:[a-z]+ ){0,2}(?:bellen|appen|terugbellen)\\b',
    '\\bapp (?:me|mij)\\b',
    '\\bmijn (?:nummer|telefoonnummer|mobiel|mobiele nummer)\\b',
  ],
  nowTimes: ['\\b(?:op dit moment|momenteel|nu|voorlopig|dit jaar)\\b'],
  incumbent: [
    '\\b(?:hebben|gebruiken|werken) (?:[a-z]+ )?al\\b',
    '\\bal (?:een|met een) (?:[a-z-]+ )?(?:partij|leverancier|bureau|partner|oplossing|tool|systeem|contract)\\b',
    '\\bonze (?:huidige|vaste) (?:[a-z-]+ )?(?:partij|leverancier|bureau|partner|oplossing|tool|systeem|contract)\\b',
  ],
  scheduling: ['\\b(?:uitnodiging|afspraak|agenda|call|belafspraak|gesprek|meeting|demo|teams|zoom|tijdslot)\\b'],
}
