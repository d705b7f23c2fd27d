import type { StructureWords } from './structure-words.js'

/** English word families for the structural signals (folded text). */
export const englishStructure: StructureWords = {
  handOffVerbs: [
    '\\b(?:contact|contacting)\\b',
    '\\breach(?:ing)?(?: out)? to\\b',
    '\\breach(?:ing)? out\\b',
    '\\bget in touch with\\b',
    '\\b(?:talk|speak|speaking|talking|chat|connect) (?:to|with)\\b',
    '\\b(?:write|writing|send an? e-?mail|drop an? (?:line|note|e-?mail)) to\\b',
    '\\b(?:e-?mail|mail|ping|message|ask|try)\\b',
    '\\b(?:better|best) (?:person|contact) (?:is|would be)\\b',
  ],
  handOffByWriter: [
    '\\b(?:direct|directing|redirect|route|send|sending|sent|forward|forwarding|forwarded|pass|passing|passed|hand|handing|handed|refer|referring|referred)(?: (?:this|it|that|them|you|your [a-z]+|these|inquiries|questions))?(?: (?:on|along|over|off|back))? to\\b',
    '\\b(?:forward|forwarding|forwarded)\\b',
    '\\b(?:cc|cc\'?d|cc\'?ing|cc\'?ed|cc-?ing|copying|copied|adding|added|looping|looped|loop)\\b',
    '\\bintroduce you to\\b',
  ],
  responsibility: [
    '\\b(?:who|he|she|they|whom)(?: [a-z]+)? (?:runs|handles|owns|manages|leads|heads|oversees|covers|looks after|takes care of|deals with|decides|makes (?:the )?decisions|is in charge|is responsible|are responsible|are in charge)\\b',
    '\\b(?:in charge of|responsible for|owns? (?:this|that|it|vendor|tooling|purchasing|these))\\b',
    '(?<!\\b(?:it|this|that|which|i|we|you|tool|product|platform|software|system) )\\b(?:handles|owns|runs|manages|oversees|looks after|takes care of|deals with|decides on)\\b',
    "\\b(?:is|are|'s|would be) (?:who|the one|the person|the guy|the people) (?:you want|you need|you should|to talk to|to ask|to speak to)\\b",
    '\\b(?:his|her|their) (?:call|decision|area|department|remit|domain|responsibility)\\b',
  ],
  roles: [
    '\\b(?:our|my|his|her|their) (?:[a-z-]+ ){0,2}?(?:colleague|colleagues|coworker|co-worker|boss|manager|head|director|vp|svp|evp|cto|ceo|cfo|coo|cmo|cro|cio|founder|co-?founder|cofounder|partner|owner|lead|buyer|procurement|purchasing|gm|md|president|chief [a-z]+ officer|revops|ops team|sales team|marketing team|it team|finance team|department|dept)(?: of [a-z]+| (?:sales|marketing|ops|operations|finance|growth|engineering|partnerships|procurement|purchasing|it|hr|revops|product|business development|bd))?\\b',
  ],
  assistants: ['\\b(?:my|our|his|her) (?:executive |personal )?(?:assistant|ea|pa|secretary|office manager|scheduler|chief of staff)\\b'],
  firstPerson: ["\\b(?:i|we|i'?ll|we'?ll|i'?d|we'?d|let me|let us|i'?m going to|i am going to|we'?re going to)\\b"],
  removalVerbs: ['\\b(?:remove|removing|delete|deleting|erase|purge|scrub|wipe|unlist|take|get|drop|knock|strike|cross)\\b'],
  removalObjects: [
    '\\b(?:me|us|myself)\\b',
    '\\b(?:my|our|this) (?:e-?mail|e-?mail address|address|addresses|contact|contact details|contact info|contact information|details|data|personal data|info|information|name|record|records|profile|number|mailbox)\\b',
  ],
  containers: [
    '\\b(?:from|off|out of) (?:your|the|this|that|any|all|whatever|every|all (?:your|future)|future) (?:[a-z-]+ ){0,2}?(?:list|lists|mailing list|database|db|system|crm|file|files|records|sequence|sequences|campaign|campaigns|distribution|mailings?|newsletter|contacts|outreach)\\b',
    '\\b(?:off|from) (?:whatever|any|every) (?:list|lists|database)\\b',
  ],
  stopVerbs: ['\\b(?:stop|cease|quit|halt)\\b'],
  mailing: ['\\b(?:e-?mail(?:s|ing|ed)?|mail(?:s|ing|ed)?|send(?:ing)?|writ(?:e|ing)|contact(?:ing)?|messag(?:e|es|ing)|spam(?:ming)?|reach(?:ing)? out|follow(?:ing)?[- ]?ups?|outreach|newsletters?)\\b'],
  again: ['\\b(?:again|anymore|any more|any longer|ever again|in (?:the )?future|further|more)\\b'],
  availability: [
    '\\b(?:are|r) (?:you|u) (?:around|free|available|about|in town|open)\\b',
    '\\b(?:your|ur) availability\\b',
    '\\b(?:your|ur) (?:calendar|schedule|diary) (?:like|look|looking|for|next|this|on|tomorrow|today)\\b',
    '\\bwhen (?:are you|would you be|works|suits|is good|would work|could we|can we|shall we|is best|do you have|is convenient)\\b',
    '\\b(?:what|which) (?:day|days|time|times|slot|slots) (?:work|works|suit|suits|is good|are good|would)\\b',
    "\\b(?:i'?m|i am|we'?re|we are) (?:usually |mostly |generally |pretty much )?(?:around|free|available|open)\\b",
  ],
  contactMe: [
    '\\b(?:call|ring|phone|ping|text|whatsapp|dial|buzz) (?:me|us)\\b',
    '\\bgive (?:me|us) a (?:call|ring|buzz|shout)\\b',
    '\\b(?:my|our) (?:cell|mobile|number|phone|direct line|whatsapp)\\b',
  ],
  nowTimes: ['\\b(?:right now|at the moment|currently|at (?:this|the present) (?:time|point|stage)|this (?:year|quarter|fiscal year)|for now|at present|these days)\\b'],
  incumbent: [
    '\\b(?:our|my) (?:[a-z-]+ )?(?:current|existing|present|incumbent) (?:[a-z-]+ )?(?:vendor|provider|supplier|agency|partner|solution|tool|tools|platform|system|setup|stack|contract|crm)\\b',
    '\\b(?:already|just) (?:have|has|use|uses|using|work with|working with|renewed|signed|bought|chose|picked|contracted|extended)\\b',
    '\\b(?:renewed|extended) (?:with|our)\\b',
  ],
  scheduling: ['\\b(?:(?:a|some) time|invite|invitation|calendar|meeting|call|demo|slot|slots|zoom|teams|google meet|appointment|agenda|schedule|scheduling|book|booking|calendly|chat)\\b'],
}
