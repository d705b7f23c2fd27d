import type { StructureWords } from './structure-words.js'

/** French word families for the structural signals (folded: no accents). */
export const frenchStructure: StructureWords = {
  handOffVerbs: [
    '\\bcontact(?:er|ez|e)\\b',
    '\\b(?:ecrire|ecrivez|ecris) (?:plutot |directement )?a\\b',
    '\\b(?:voyez|voir|vois) (?:plutot |directement )?avec\\b',
    "\\b(?:adressez-vous|s'adresser|adresse[rz]?) a\\b",
    '\\b(?:parle[rz]?|parlez-en) (?:plutot |directement )?(?:a|avec)\\b',
    '\\bjoindre\\b',
    '\\brapprochez-vous de\\b',
    '\\bdemande[rz]? a\\b',
  ],
  handOffByWriter: [
    '\\b(?:transfere|transferer|transfer|transmets|transmettre|transmis|transmise|redirige|rediriger)\\b',
    '\\b(?:fait|faire|fais) suivre\\b',
    '\\b(?:en copie|mets? en copie|mis en copie|cc)\\b',
  ],
  responsibility: [
    "\\bs'(?:occupe|en occupe|en charge)\\b",
    '\\b(?:gere|pilote|decide)\\b',
    '\\best (?:en charge|responsable)\\b',
    "\\bc'est (?:lui|elle|eux) qui\\b",
  ],
  roles: [
    '\\b(?:mon|ma|mes|notre|nos) (?:[a-z-]+ )?(?:collegue|collegues|associe|associee|associes|directeur|directrice|responsable|patron|patronne|chef|manager|service|equipe|dg|pdg|dsi|daf|gerant|gerante)\\b',
    '\\b(?:m\\.|mme|monsieur|madame) [a-z]+\\b',
  ],
  assistants: ['\\b(?:mon|ma|notre) (?:assistante?|secretaire|office manager)\\b'],
  firstPerson: ["\\b(?:je|j'|nous|on|laissez-moi)\\b"],
  removalVerbs: ['\\b(?:retire[rz]?|supprime[rz]?|efface[rz]?|enleve[rz]?|radie[rz]?|rayez|desinscri(?:re|vez|s))\\b'],
  removalObjects: [
    "\\b(?:moi|me|m'|nous)\\b",
    '\\b(?:mon|mes|nos|notre|cette) (?:adresse|adresse e-?mail|e-?mail|mail|coordonnees|donnees|contact|nom)\\b',
  ],
  containers: ['\\b(?:de|des) (?:vos|votre|la|cette|ces|toutes vos) (?:[a-z-]+ )?(?:listes?|fichiers?|bases?(?: de donnees)?|mailing|diffusion|contacts|envois)\\b'],
  stopVerbs: ['\\b(?:cesse[rz]?|arrete[rz]?|stoppe[rz]?)\\b'],
  mailing: ['\\b(?:envois|envoyer|envoyez|e-?mails?|mails?|courriels?|messages?|ecrire|ecrivez|solliciter|sollicite[e]?s?|contacter|relances?|relancer|prospection)\\b'],
  again: ['\\b(?:plus|de nouveau|a nouveau|desormais|dorenavant|jamais)\\b'],
  availability: [
    '\\bquand (?:etes-vous|etes vous|seriez-vous|pouvons-nous|peut-on|pourrions-nous|est-ce que (?:vous|tu|on))\\b',
    '\\b(?:vos|tes) disponibilites\\b',
    '\\b(?:etes-vous|es-tu|seriez-vous|serais-tu) (?:[a-z]+ )?(?:disponibles?|dispo|libres?)\\b',
    '\\bquel (?:jour|creneau|moment|horaire) (?:vous|te)\\b',
    '\\b(?:je suis|suis) (?:[a-z]+ )?(?:disponible|libre|dispo)\\b',
  ],
  contactMe: [
    "\\b(?:appele[rz]?-moi|m'appeler|m'appelez|me joindre|me rappeler|rappelez-moi)\\b",
    '\\bmon (?:portable|numero|tel|telephone|mobile)\\b',
  ],
  nowTimes: ["\\b(?:actuellement|en ce moment|pour le moment|pour l'instant|cette annee|a l'heure actuelle|pour l'heure)\\b"],
  incumbent: [
    '\\b(?:notre|nos) (?:[a-z-]+ )?(?:prestataire|fournisseur|agence|partenaire|solution|outil|logiciel|contrat|crm)s? (?:actuel(?:le)?s?|habituel(?:le)?s?|existant(?:e)?s?)\\b',
    '\\b(?:avons|ai) deja\\b',
    '\\bdeja (?:bien )?(?:equipes?|un prestataire|une solution|un outil|un partenaire|une agence)\\b',
  ],
  scheduling: ['\\b(?:invitation|rendez-vous|rdv|creneau|creneaux|agenda|calendrier|appel|reunion|visio|demo|teams|zoom|echange)\\b'],
}
