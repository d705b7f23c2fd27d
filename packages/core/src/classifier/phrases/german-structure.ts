import type { StructureWords } from './structure-words.js'

/** German word families for the structural signals (folded: `ü` → `u`, `ß` → `ss`). */
export const germanStructure: StructureWords = {
  handOffVerbs: [
    '\\bwenden sie sich\\b',
    '\\bwende dich\\b',
    '\\b(?:an|bei) (?:[a-z0-9._%+-]+@[a-z0-9.-]+|[a-z]+) (?:[a-z]+ )?wenden\\b',
    '\\bkontaktieren sie\\b',
    '\\bkontaktiere\\b',
    '\\b(?:schreiben sie|schreib) (?:[a-z]+ )?an\\b',
    '\\b(?:sprechen sie|sprich|reden sie) (?:[a-z]+ )?mit\\b',
    '\\b(?:fragen sie|frag)\\b',
    '\\bmelden sie sich (?:[a-z]+ )?(?:bei|an)\\b',
    '\\b(?:mailen sie|versuchen sie es)\\b',
  ],
  handOffByWriter: [
    '\\bweitergeleitet\\b',
    '\\bweiterleiten\\b',
    '\\bleite\\b[^.!?\\n]{0,40}\\bweiter\\b',
    '\\b(?:gebe|gab)\\b[^.!?\\n]{0,30}\\bweiter\\b',
    '\\bweitergegeben\\b',
    '\\bin (?:cc|kopie)\\b',
    '\\bcc\\b',
    '\\b(?:dazugenommen|hinzugefugt|hinzugefuegt|dazugeholt)\\b',
  ],
  responsibility: [
    '\\b(?:zustandig|zustaendig|verantwortlich)\\b',
    '\\b(?:kummert|kuemmert) sich\\b',
    '\\b(?:betreut|entscheidet|verantwortet)\\b',
  ],
  roles: [
    '\\b(?:mein|meine|meinen|meinem|meiner|unser|unsere|unseren|unserem|unserer) (?:[a-z-]+ )?(?:kollege|kollegin|kollegen|chef|chefin|vorgesetzte[rn]?|geschaftsfuhrer(?:in)?|geschaeftsfuehrer(?:in)?|geschaftsfuhrung|geschaeftsfuehrung|geschaftsleitung|leiter|leiterin|abteilung|einkauf|einkaufer(?:in)?|einkaeufer(?:in)?|vertrieb|vertriebsleiter(?:in)?|marketing|marketingabteilung|it-abteilung|team|inhaber(?:in)?|partner(?:in)?|vorstand|prokurist(?:in)?)\\b',
    '\\b(?:herrn?|frau) (?:dr\\.? )?[a-z]+\\b',
  ],
  assistants: ['\\b(?:meine|meiner|mein|meinem) (?:assistentin|assistenz|assistent|sekretarin|sekretaerin|sekretariat)\\b'],
  firstPerson: ['\\b(?:ich|wir|lassen sie mich|lass mich)\\b'],
  removalVerbs: ['\\b(?:entfernen|entfernt|loschen|loeschen|loscht|loescht|streichen|streicht|austragen|tragen|nehmen)\\b'],
  removalObjects: [
    '\\b(?:mich|uns)\\b',
    '\\b(?:meine|meinen|unsere|diese) (?:e-?mail-?adresse|e-?mail|adresse|mailadresse|daten|kontaktdaten|kontakt|nummer|angaben)\\b',
  ],
  containers: ['\\b(?:aus|von) (?:ihrem|ihrer|ihren|dem|der|eurem|eurer|diesem|dieser|allen|ihren) (?:[a-z-]+ )?(?:verteiler|e-?mail-?verteiler|liste|listen|mailingliste|datenbank|system|kartei|adressliste|newsletter|crm|adressbestand|bestand)\\b'],
  stopVerbs: ['\\b(?:horen|hoeren|hort|hoert) (?:sie |ihr )?(?:bitte )?auf\\b', '\\b(?:stopp|stoppen|einstellen|unterlassen)\\b'],
  mailing: ['\\b(?:e-?mails?|mails?|nachrichten|zusendungen|schreiben|anschreiben|mailen|anmailen|kontaktieren|senden|schicken|werbung|newsletter|kontaktaufnahmen?)\\b'],
  again: ['\\b(?:mehr|wieder|erneut|weitere[nm]?|kunftig|kuenftig|zukunftig|zukuenftig)\\b'],
  availability: [
    '\\bwann (?:haben sie|hast du|passt (?:es )?(?:ihnen|dir)|ginge es|geht es|konnen wir|koennen wir|sind sie)\\b',
    '\\b(?:haben sie|hast du|hatten sie|haetten sie) (?:[a-z]+ )?zeit\\b',
    '\\b(?:sind sie|bist du) (?:[a-z]+ )?(?:erreichbar|verfugbar|verfuegbar)\\b',
    '\\b(?:ihre|deine) verfugbarkeit\\b',
    '\\b(?:ich bin|bin ich|ich habe|hab ich|ware ich|waere ich) (?:[a-z]+ )?(?:frei|verfugbar|verfuegbar|erreichbar)\\b',
  ],
  contactMe: [
    '\\b(?:rufen sie|ruf) (?:[a-z]+ )?mich\\b',
    '\\bmich (?:[a-z]+ ){0,3}anrufen\\b',
    '\\b(?:meine|unter meiner) (?:nummer|handynummer|telefonnummer|mobilnummer|handy)\\b',
  ],
  nowTimes: ['\\b(?:derzeit|momentan|aktuell|zurzeit|zur zeit|im moment|gerade|dieses jahr|in diesem jahr|vorerst)\\b'],
  incumbent: [
    '\\b(?:unser|unsere|unserem|unseren|unserer) (?:aktuelle[nmr]?|bisherige[nmr]?|jetzige[nmr]?|bestehende[nmr]?) (?:[a-z-]+ )?(?:anbieter|dienstleister|agentur|partner|losung|loesung|tool|system|vertrag)\\b',
    '\\b(?:haben|nutzen|arbeiten|verwenden) (?:[a-z]+ ){0,2}(?:bereits|schon|seit jahren)\\b',
    '\\bseit (?:vielen |einigen )?jahren mit\\b',
  ],
  scheduling: ['\\b(?:einladung|termin|termine|kalender|call|telefonat|gesprach|gespraech|meeting|demo|videokonferenz|teams|zoom|slot|terminvorschlag|terminvorschlage)\\b'],
}
