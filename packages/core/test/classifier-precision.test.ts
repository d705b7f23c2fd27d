import { describe, expect, it } from 'vitest'
import { composeClassifiers, createRuleClassifier, parseRawMessage, type ClassificationResult, type Classifier, type ReplyCategory } from '../src/index.js'
import { classifierTestContext, testReply } from './support/classifier-reply.js'

// Round 4 of the reply rules: positive precision. An alert for a "yes" that is not one
// costs a salesperson's time and the lead's goodwill, so these cases pin down replies that
// use interest words without interest (a removal wish, sarcasm, "sounds great but no"), short
// refusals that used to end `unknown`, questions about being removed, and odd-but-genuine yeses
// that must stay positive. Written before the rules were changed (baseline: see the changeset).

const rules = createRuleClassifier()

async function classify(body: string): Promise<ClassificationResult> {
  return rules.classify(await parseRawMessage(testReply(body)), classifierTestContext)
}

type Language = 'en' | 'de' | 'fr' | 'es' | 'pt' | 'nl'
type Case = readonly [language: Language, expected: ReplyCategory, text: string]

/** Interest words without interest: none of these may raise a positive alert. */
const traps: readonly Case[] = [
  // Interest in being removed.
  ['en', 'unsubscribe', "I'm interested in being unsubscribed."],
  ['en', 'unsubscribe', "I'd be interested in being removed from your list."],
  ['en', 'unsubscribe', "The only thing I'm interested in is being taken off your list."],
  ['de', 'unsubscribe', 'Ich bin daran interessiert, aus Ihrem Verteiler abgemeldet zu werden.'],
  ['es', 'unsubscribe', 'Me interesa que me borren de su lista.'],
  // Sarcasm.
  ['en', 'negative', 'Oh great, another vendor email.'],
  ['en', 'negative', 'Sure, because I need more of these.'],
  ['en', 'negative', 'Love to hear more… said no one.'],
  ['en', 'negative', 'Wow, thrilled to get another cold email.'],
  ['en', 'negative', 'Sure, when pigs fly.'],
  ['en', 'negative', 'Yeah, no.'],
  ['de', 'negative', 'Na toll, noch eine Werbemail.'],
  ['fr', 'negative', 'Super, encore un mail de prospection.'],
  ['es', 'negative', 'Genial, otro correo comercial más.'],
  // "Sounds great, but no."
  ['en', 'negative', 'Sounds great but we are not interested right now.'],
  ['en', 'negative', 'Looks great, but not for us.'],
  ['en', 'negative', 'Sounds interesting, but no thanks.'],
  ['en', 'negative', "Would love to, but we're not interested."],
  ['en', 'negative', 'Would have been interested a year ago. Not now.'],
  ['de', 'negative', 'Klingt gut, aber kein Interesse.'],
  ['fr', 'negative', "Ça a l'air super, mais ça ne nous intéresse pas."],
  ['es', 'negative', 'Suena genial, pero no nos interesa.'],
  ['pt', 'negative', 'Parece ótimo, mas não temos interesse.'],
  ['nl', 'negative', 'Klinkt goed, maar we hebben geen interesse.'],
  // Skeptical questions with interest words.
  ['en', 'question', 'Why would I be interested in this?'],
  ['en', 'question', "What makes you think I'd be interested?"],
  // Questions about being removed.
  ['en', 'unsubscribe', 'How do I get off this list?'],
  ['en', 'unsubscribe', 'Can you remove me?'],
  ['en', 'unsubscribe', 'How did you get my address? Take me off.'],
  ['de', 'unsubscribe', 'Wie komme ich von dieser Liste runter?'],
  ['de', 'unsubscribe', 'Können Sie mich bitte austragen?'],
  ['fr', 'unsubscribe', 'Comment me désinscrire de cette liste ?'],
  ['fr', 'unsubscribe', 'Pouvez-vous me retirer de votre liste ?'],
  ['es', 'unsubscribe', '¿Cómo me doy de baja de esta lista?'],
  ['es', 'unsubscribe', '¿Pueden quitarme de su lista?'],
  ['pt', 'unsubscribe', 'Como faço para sair desta lista?'],
  ['pt', 'unsubscribe', 'Podem me tirar da lista?'],
  ['nl', 'unsubscribe', 'Hoe kom ik van deze lijst af?'],
  ['nl', 'unsubscribe', 'Kunt u mij van de lijst halen?'],
]

/** Short, unambiguous refusals: `negative`, not `unknown`. */
const shortRefusals: readonly Case[] = [
  ['en', 'negative', 'Absolutely not.'],
  ['en', 'negative', 'Definitely not.'],
  ['en', 'negative', 'Nope, not for us'],
  ['en', 'negative', 'Pass.'],
  ['en', 'negative', 'Hard pass'],
  ['en', 'negative', 'No.'],
  ['en', 'negative', 'Not a chance'],
  ['en', 'negative', 'No thank you'],
  ['en', 'negative', "I'll pass, thanks."],
  ['de', 'negative', 'Nein danke'],
  ['de', 'negative', 'Kein Bedarf.'],
  ['de', 'negative', 'Nein.'],
  ['de', 'negative', 'Auf keinen Fall.'],
  ['de', 'negative', 'Danke, kein Bedarf.'],
  ['fr', 'negative', 'Non merci'],
  ['fr', 'negative', 'Pas intéressé.'],
  ['fr', 'negative', 'Absolument pas.'],
  ['fr', 'negative', 'Pas pour nous, merci.'],
  ['es', 'negative', 'No gracias'],
  ['es', 'negative', 'No, gracias.'],
  ['es', 'negative', 'Para nada.'],
  ['es', 'negative', 'No es para nosotros.'],
  ['pt', 'negative', 'Não, obrigado.'],
  ['pt', 'negative', 'Não, obrigada'],
  ['pt', 'negative', 'De jeito nenhum.'],
  ['pt', 'negative', 'Sem interesse.'],
  ['pt', 'negative', 'Não é para nós.'],
  ['nl', 'negative', 'Nee, bedankt.'],
  ['nl', 'negative', 'Nee dank je'],
  ['nl', 'negative', 'Geen behoefte.'],
  ['nl', 'negative', 'Absoluut niet.'],
  ['nl', 'negative', 'Niets voor ons.'],
]

/** Genuine yeses phrased oddly (a negation that agrees, a question): they stay positive. */
const genuinePositives: readonly Case[] = [
  ['en', 'positive', 'Not opposed to a quick call.'],
  ['en', 'positive', "Wouldn't hurt to chat."],
  ['en', 'positive', "Can't say no to that — Tuesday?"],
  ['en', 'positive', 'Why not, send times.'],
  ['en', 'positive', "I wouldn't say no to a demo."],
  ['en', 'positive', 'No objection to a short demo next week.'],
  ['en', 'positive', "No problem, let's set up a call Thursday."],
  ['en', 'positive', 'Sounds great, let’s talk next week.'],
  ['en', 'positive', "I'm interested in learning more."],
  ['en', 'positive', 'Sure, Thursday 2pm works.'],
  ['de', 'positive', 'Gerne, Donnerstag um 10 Uhr passt.'],
  ['de', 'positive', 'Warum nicht, schicken Sie mir ein paar Termine.'],
  ['de', 'positive', 'Spricht nichts gegen ein kurzes Gespräch.'],
  ['fr', 'positive', 'Pourquoi pas, envoyez-moi quelques créneaux.'],
  ['fr', 'positive', 'Je ne suis pas contre un petit appel.'],
  ['fr', 'positive', 'Avec plaisir, jeudi 14h ?'],
  ['es', 'positive', '¿Por qué no? Mándame horarios.'],
  ['es', 'positive', 'No me importaría una llamada corta.'],
  ['es', 'positive', 'Claro, el jueves a las 11 me va bien.'],
  ['pt', 'positive', 'Por que não? Mande alguns horários.'],
  ['pt', 'positive', 'Não me oponho a uma conversa rápida.'],
  ['pt', 'positive', 'Claro, quinta às 15h funciona para mim.'],
  ['nl', 'positive', 'Waarom niet, stuur wat tijden.'],
  ['nl', 'positive', 'Ik sta open voor een kort gesprek.'],
  ['nl', 'positive', 'Prima, donderdag om 10:00 past.'],
]

/**
 * Further replies of the same kinds, written after the first rule changes (not part of the
 * baseline): interest on a condition or for later, interest in something else, removal
 * questions, short refusals and agreeing negations in other words.
 */
const furtherCases: readonly Case[] = [
  ['en', 'unknown', "Thanks, I'll let you know if we're interested."],
  ['en', 'unknown', "If this were cheaper I'd be interested."],
  ['en', 'negative', "I'd be interested next year."],
  ['en', 'negative', 'We may be interested down the road.'],
  ['en', 'negative', "We're interested in other things right now."],
  ['en', 'question', "I'm interested to know who gave you my email."],
  ['en', 'unsubscribe', 'Yes, I am interested... in you stopping these emails.'],
  ['en', 'negative', 'Sure, I’ll get right on that.'],
  // Round 7 reads the pause and "not." after the praise as the refusal it is (was `unknown`).
  ['en', 'negative', 'Sounds great... not.'],
  ['en', 'negative', 'Thanks, sounds interesting, though we’re not looking.'],
  ['en', 'negative', 'Sounds great. Unfortunately we have no budget.'],
  ['en', 'unsubscribe', 'Can I be removed?'],
  ['en', 'unsubscribe', 'How do I stop getting these?'],
  ['en', 'negative', 'Hard no'],
  ['en', 'negative', "Let's not."],
  ['en', 'positive', "I don't mind a quick call."],
  ['en', 'positive', "Don't see why not."],
  ['en', 'positive', 'No problem, Thursday works.'],
  ['en', 'positive', 'Wouldn’t be opposed to a chat next week'],
  ['de', 'negative', 'Gerne, aber nicht jetzt.'],
  ['de', 'negative', 'Nicht nötig.'],
  ['de', 'unsubscribe', 'Wie werde ich aus dem Verteiler gestrichen?'],
  ['de', 'positive', 'Warum nicht? Schicken Sie mir Termine.'],
  ['fr', 'unknown', 'Je vous recontacte si ça nous intéresse.'],
  ['fr', 'question', 'Pourquoi ça m’intéresserait ?'],
  ['es', 'unknown', 'Te aviso si nos interesa.'],
  ['es', 'unsubscribe', '¿Cómo dejo de recibir estos correos?'],
  ['es', 'negative', 'No hace falta.'],
  ['pt', 'unknown', 'Aviso se tivermos interesse.'],
  ['pt', 'unsubscribe', 'Como paro de receber esses e-mails?'],
  ['pt', 'negative', 'Ótimo, mais um e-mail de vendas.'],
  ['nl', 'unsubscribe', 'Hoe meld ik me af?'],
  ['nl', 'negative', 'Hoeft niet.'],
  ['nl', 'positive', 'Daar sta ik wel voor open.'],
]

/**
 * Round 5 (tuned on held-out set 6): each rule it added, in other words than set 6's and in
 * other languages — interest taken back by a later refusal sentence, interest on a condition
 * the writer no longer meets or with a condition after it, interest for a far-off time,
 * interest in not being mailed, a refusal narrowed by "but", "still a no", removal asked as a
 * question — and replies near them that must keep their category.
 */
const roundFiveCases: readonly Case[] = [
  // A later sentence that is only a refusal takes the interest back.
  ['en', 'negative', 'Yes! ...no.'],
  ['en', 'negative', 'Sounds amazing. Absolutely not.'],
  ['en', 'negative', 'Interested? Nope.'],
  ['en', 'negative', 'A demo? With you? Hard pass.'],
  ['en', 'negative', 'Keen to chat? Not really.'],
  ['en', 'negative', 'Great product. Still no.'],
  ['de', 'negative', 'Interessant. Aber nein.'],
  ['fr', 'negative', 'Très intéressant. Mais non.'],
  ['es', 'negative', 'Suena bien. Pero no.'],
  ['pt', 'negative', 'Parece ótimo. Mas não.'],
  ['nl', 'negative', 'Klinkt goed. Toch nee.'],
  ['en', 'positive', 'Interested! Can we talk Tuesday? No rush on my side.'],
  ['en', 'positive', "Yes please. No worries if Thursday doesn't work, Friday is fine too."],
  ['en', 'positive', "Sounds good, let's talk Thursday 3pm.\n\nBob Smith\nNo. 5 Main Street"],
  // Interest for a far-off time is a timing objection; a near one is not.
  ['en', 'negative', 'Sure, happy to talk next year.'],
  ['en', 'negative', 'Would love to chat in 2026. Not before.'],
  ['en', 'negative', 'Happy to hop on a call in a couple of years.'],
  ['es', 'negative', 'Me encantaría hablar el año que viene.'],
  ['pt', 'negative', 'Podemos conversar no ano que vem.'],
  ['en', 'positive', 'Happy to chat in April, send me a few times.'],
  ['en', 'positive', "Let's talk about our plans for next year. Tuesday 10am?"],
  // A condition the writer no longer meets refuses; a condition after the interest leaves it undecided.
  ['en', 'negative', "We'd have been interested if we were still in business. We shut down last year."],
  ['en', 'negative', "If I was still running sales there I'd love a demo. I retired in 2023."],
  ['de', 'negative', 'Wir wären interessiert gewesen, wenn wir noch ein Vertriebsteam hätten. Haben wir aber nicht mehr.'],
  ['fr', 'negative', 'Nous serions intéressés si nous étions encore en activité.'],
  ['es', 'negative', 'Nos interesaría si todavía tuviéramos la tienda abierta.'],
  ['pt', 'negative', 'Teríamos interesse se ainda estivéssemos operando.'],
  ['nl', 'negative', 'We zouden interesse hebben als we nog een winkel hadden.'],
  ['en', 'unknown', "We'd be interested if the price is right."],
  ['de', 'unknown', 'Wir wären interessiert, wenn der Preis stimmt.'],
  ['fr', 'unknown', 'Nous serions intéressés si le prix est correct.'],
  ['es', 'unknown', 'Estaríamos interesados si el precio es razonable.'],
  ['nl', 'unknown', 'We zouden geïnteresseerd zijn als de prijs klopt.'],
  ['en', 'positive', "If it integrates with HubSpot, I'm in. Grab a slot: https://calendly.com/x/20min"],
  // "Still a no", and what only looks like it.
  ['en', 'negative', "Appreciate it, but it's a no from me."],
  ['en', 'negative', 'Thanks for following up — still a hard no.'],
  ['en', 'negative', 'pass, thanks mate'],
  ['en', 'negative', "we're good thanks mate"],
  ['en', 'positive', "It's a no-brainer, let's set up a call."],
  // Interest in not being mailed; removal asked as a question.
  ['en', 'unsubscribe', "I'd be very interested in you not contacting me again."],
  ['en', 'unsubscribe', 'Could you make these emails stop?'],
  ['en', 'unsubscribe', 'Where did you find my email? I want it deleted.'],
  // A refusal narrowed by "but" and interest with a request.
  ['en', 'positive', 'Not interested in the software, but I am interested in your data service. Can we talk Thursday?'],
  ['en', 'unknown', "Not interested, but I'd be interested in a discount."],
  // Acceptances without an interest word.
  ['en', 'positive', "Let's do Tuesday at 10."],
  ['en', 'positive', 'Fine. You get 10 minutes Friday at 4.'],
  ['en', 'positive', 'Next Monday or Tuesday, 20 min, happy to.'],
  ['en', 'positive', 'Call me today if you can.'],
  // Only punctuation asks nothing; a data-access request is a question.
  ['en', 'unknown', '??'],
  ['en', 'question', 'What data do you hold about me?'],
]

// Round 6, tuned on held-out set 7's false alerts, in other words than set 7's: refusals after
// interest wording (another vendor signed, a counterfactual condition, a far-off time with an
// approximate number, a refusal after "but" or before a dash, a consequence word before the
// closing no), interest in not hearing from the sender, interest in something else asked
// about, questions about the price, meeting requests, and yeses that must stay positive. The
// round-5 rules got 30 of these 47 wrong.
const roundSixCases: readonly Case[] = [
  // Signed with another vendor after a compliment.
  ['en', 'negative', 'Looks really promising, but we signed a contract with a different provider in January.'],
  ['en', 'negative', 'Nice pitch! We went with a competitor last quarter though.'],
  ['de', 'negative', 'Hört sich gut an, aber wir arbeiten seit Februar mit einem konkurrierenden Dienstleister.'],
  ['fr', 'negative', "C'est séduisant, mais nous sommes partis chez un autre prestataire cet hiver."],
  ['es', 'negative', 'Suena bien, pero cerramos el año pasado con otro proveedor.'],
  ['pt', 'negative', 'Parece ótimo, mas fechamos com outro fornecedor em janeiro.'],
  ['nl', 'negative', 'Ziet er leuk uit, maar we zijn in zee gegaan met een andere leverancier.'],
  // A counterfactual condition.
  ['en', 'negative', "I'd love a demo if we needed more meetings, but our calendar is already full."],
  ['en', 'negative', 'Would be keen to talk if we ran outbound at all, which we do not.'],
  ['de', 'negative', 'Wir würden gerne reden, wenn wir überhaupt Außendienst hätten.'],
  ['fr', 'negative', "Je serais ravi d'en parler si nous avions des commerciaux."],
  ['es', 'negative', 'Nos encantaría hablar si tuviéramos un equipo de ventas.'],
  ['pt', 'negative', 'Adoraríamos conversar se fôssemos uma empresa maior.'],
  ['nl', 'negative', 'We zouden graag praten als we een verkoopafdeling hadden.'],
  // A far-off time with an approximate number.
  ['en', 'negative', 'Happy to talk in roughly two years, once the merger is done.'],
  ['en', 'negative', 'Keen to chat in about 18 months when our current deal ends.'],
  // A refusal before a dash, or after "but" in the first sentence.
  ['en', 'negative', 'Relevant? Maybe. Needed here? Nope - the team is two people.'],
  ['en', 'negative', 'Cute subject line, but no.'],
  ['de', 'negative', 'Netter Versuch, aber nein.'],
  ['nl', 'negative', 'Leuk bedacht, maar nee hoor.'],
  // A consequence word before the closing refusal.
  ['de', 'negative', 'Interessantes Angebot, wir haben aber kein Budget mehr. Deshalb leider nein.'],
  ['en', 'negative', 'Sounds neat. Our budget is frozen. Therefore no.'],
  // Interest in the goal, not from a vendor; built in-house; no outside tools.
  ['en', 'negative', "Very interested in better scheduling, just not from an agency. We'll handle it in-house."],
  ['en', 'negative', 'We never work with outside vendors for prospecting.'],
  ['en', 'negative', 'We keep all of this in-house.'],
  ['en', 'negative', "Love it, but head office picks our tools. Nothing I can do about it."],
  ['en', 'negative', 'We are set for this year, cheers.'],
  // Interest in not hearing from the sender.
  ['en', 'unsubscribe', "We would be really interested in not hearing from your team ever again."],
  ['nl', 'unsubscribe', 'Graag zou ik zien dat u ons van de verzendlijst verwijdert.'],
  // Interest in something other than the offer: a question.
  ['en', 'question', "I'd be interested to learn where you found my details. Can you tell me?"],
  ['en', 'question', "The only thing we're interested in is which database sold you our contact. Which one?"],
  ['de', 'question', 'Mich würde nur interessieren, woher Sie meine Kontaktdaten haben?'],
  ['fr', 'question', "La seule chose qui m'intéresse : d'où vient mon adresse ?"],
  ['es', 'question', '¿Lo único que nos interesa es cómo consiguieron este correo, nos lo explican?'],
  ['pt', 'question', 'A única coisa que me interessa é saber onde conseguiram meu e-mail. Podem dizer?'],
  ['nl', 'question', 'Het enige wat mij interesseert is hoe u aan mijn adres komt. Kunt u dat vertellen?'],
  // Asking to be told the price; a bare "Intrigued."; a request to arrange a meeting; "je vous propose" with a time.
  ['en', 'question', 'Please give us your rates for a team of eight.'],
  ['en', 'question', 'Kindly quote me the price for three seats and the onboarding.'],
  ['en', 'positive', 'Quite intrigued, to be honest. Wednesday works.'],
  ['en', 'positive', 'Intrigued!'],
  ['en', 'positive', 'Kindly schedule a short demo call with our ops team.'],
  ['fr', 'positive', 'Je vous propose lundi prochain à 14h.'],
  // Genuine yeses that must stay positive.
  ['en', 'positive', "I'd be happy to chat if we can find 20 minutes next week."],
  ['en', 'positive', 'Interested - just not on Mondays. Does Tuesday at 10 work?'],
  ['en', 'positive', "Sounds good, we'd like a demo. Our old vendor's contract ended, so timing is right."],
  ['de', 'positive', 'Klingt spannend, gerne ein kurzes Gespräch nächste Woche.'],
  ['nl', 'positive', 'Klinkt goed, laten we donderdag bellen.'],
]

/**
 * Round 7: interest followed by a contrast clause (a contrastive conjunction, a word of
 * regret, an ellipsis or a dash) that takes no step forward is not a yes — a refusal when the
 * clause refuses or names an obstacle, a question when it asks, otherwise unsure (`unknown`
 * below the worker's `minConfidence`, so no alert; a model after the rules decides). A yes
 * whose object is stopping contact asks to stop mail. In other words than held-out set 8's;
 * the true positives carry contrast clauses too.
 */
const roundSevenCases: readonly Case[] = [
  // The clause refuses or names an obstacle.
  ['en', 'negative', "I'd be happy to learn more, but procurement just closed the vendor list for the year. Sorry."],
  ['en', 'negative', 'Keen to take a look... once we have hired a sales team, probably in 2028.'],
  ['en', 'negative', 'Good timing - I was about to add your domain to our blacklist.'],
  ['en', 'negative', 'Looks promising, but our board froze all new spending. Apologies.'],
  ['de', 'negative', 'Klingt spannend, aber wir haben keinen Vertrieb.'],
  ['de', 'negative', 'Klingt spannend – ich wollte gerade Ihre Domain blockieren.'],
  ['de', 'negative', 'Klingt gut... in ein paar Jahren vielleicht.'],
  ['fr', 'negative', "Ça a l'air intéressant, mais nous n'avons pas d'équipe commerciale."],
  ['fr', 'negative', "Ça a l'air intéressant, malheureusement notre budget est gelé."],
  ['es', 'negative', 'Suena bien, lamentablemente ya firmamos con otro proveedor.'],
  ['pt', 'negative', 'Parece ótimo. Infelizmente já assinamos com outro fornecedor.'],
  ['pt', 'negative', 'Parece interessante, mas não trabalhamos com prospecção.'],
  ['nl', 'negative', 'Klinkt interessant, maar we hebben geen verkoopteam.'],
  ['nl', 'negative', 'Klinkt goed, helaas zitten we vast aan een contract tot 2027.'],
  // A rhetorical question, then a one-word refusal.
  ['de', 'negative', 'Glauben Sie wirklich, wir brauchen noch ein Tool für Termine? Ich passe.'],
  ['es', 'negative', '¿En serio crees que me hace falta otra herramienta para agendar reuniones? Paso.'],
  // A yes whose object is stopping contact.
  ['en', 'unsubscribe', "I'd be glad to hear that you stopped emailing us."],
  ['de', 'unsubscribe', 'Sehr gerne, wenn Sie aufhören, mir zu schreiben.'],
  ['fr', 'unsubscribe', "Avec plaisir, si vous arrêtiez de m'écrire."],
  ['es', 'unsubscribe', 'Me encantaría que dejaran de enviarme correos.'],
  ['nl', 'unsubscribe', 'Graag, als jullie ophielden met mailen.'],
  // The clause asks something that proposes no meeting: a question.
  ['en', 'question', 'Sounds good, but does it work with Outlook?'],
  ['en', 'question', 'Looks interesting, but how is this different from Calendly?'],
  ['de', 'question', 'Klingt gut, aber wie teuer ist das?'],
  ['es', 'question', 'Suena bien, pero ¿cuánto cuesta?'],
  // The clause takes no step forward: unsure.
  ['en', 'unknown', 'Looks promising, though we are a team of three people.'],
  ['de', 'unknown', 'Klingt interessant, aber wir sind nur zu dritt.'],
  ['fr', 'unknown', "Ça a l'air intéressant, mais nous sommes une toute petite structure."],
  ['es', 'unknown', 'Suena interesante, pero somos una empresa muy pequeña.'],
  ['pt', 'unknown', 'Parece ótimo, mas somos só três pessoas.'],
  // "maar" after a comma contrasts; the second "maar" only softens.
  ['nl', 'unknown', "Klinkt goed, maar we zijn maar met z'n drieën."],
  // True positives with a contrast clause: a step forward follows it.
  ['en', 'positive', 'Interested, but not before July — happy to do an intro call now though'],
  ['en', 'positive', 'Busy next week though, does Tuesday the 18th work?'],
  ['en', 'positive', 'Sounds great, but I can only do mornings. Thursday at 9?'],
  ['en', 'positive', 'Happy to chat, but keep it to 20 minutes please.'],
  ['en', 'positive', 'Looks interesting, though I would want our ops lead on the call too. Send an invite for Friday.'],
  ['en', 'positive', 'Sounds good - send me a calendar link.'],
  ['en', 'positive', 'Interested! Unfortunately I am out this week, but next Tuesday afternoon is free.'],
  ['en', 'positive', 'Sounds great, but could we do a call on Thursday instead?'],
  ['de', 'positive', 'Klingt gut, aber erst ab 14 Uhr, Donnerstag wäre ideal.'],
  ['fr', 'positive', "Ça m'intéresse, mais pas avant jeudi. Jeudi 15h, ça vous va ?"],
  ['es', 'positive', 'Me interesa, pero esta semana imposible. El lunes a las 10 me va bien.'],
  ['pt', 'positive', 'Tenho interesse, mas só consigo na sexta às 14h.'],
  ['nl', 'positive', 'Klinkt goed, maar dan wel na de lunch. Donderdag om 14:00?'],
  ['nl', 'positive', 'Ja graag, stuur maar een uitnodiging voor woensdag.'],
]

describe('rule classifier precision: interest words without interest', () => {
  it.each(traps)('%s → %s: %s', async (_language, expected, text) => {
    const result = await classify(text)
    expect(result.category, result.reason).not.toBe('positive')
    expect(result.category, result.reason).toBe(expected)
  })
})

describe('rule classifier precision: short refusals', () => {
  it.each(shortRefusals)('%s → %s: %s', async (_language, expected, text) => {
    const result = await classify(text)
    expect(result.category, result.reason).toBe(expected)
  })
})

describe('rule classifier precision: genuine yeses stay positive', () => {
  it.each(genuinePositives)('%s → %s: %s', async (_language, expected, text) => {
    const result = await classify(text)
    expect(result.category, result.reason).toBe(expected)
  })
})

describe('rule classifier precision: further cases', () => {
  it.each(furtherCases)('%s → %s: %s', async (_language, expected, text) => {
    const result = await classify(text)
    expect(result.category, result.reason).toBe(expected)
  })
})

describe('rule classifier precision: round 5', () => {
  it.each(roundFiveCases)('%s → %s: %s', async (_language, expected, text) => {
    const result = await classify(text)
    expect(result.category, result.reason).toBe(expected)
  })
})

describe('rule classifier precision: round 6', () => {
  it.each(roundSixCases)('%s → %s: %s', async (_language, expected, text) => {
    const result = await classify(text)
    expect(result.category, result.reason).toBe(expected)
  })
})

describe('rule classifier precision: round 7, interest and a contrast clause', () => {
  it.each(roundSevenCases)('%s → %s: %s', async (_language, expected, text) => {
    const result = await classify(text)
    expect(result.category, result.reason).toBe(expected)
    // Unsure answers stay below the worker's default minConfidence (0.5): no alert.
    if (expected === 'unknown') expect(result.confidence).toBeLessThan(0.5)
    // A refusal read from the contrast clause is confident enough that no model is asked.
    if (expected === 'negative') expect(result.confidence).toBeGreaterThanOrEqual(0.7)
  })

  it('hands an unsure contrast clause to the classifier after the rules, and decides a refusing one itself', async () => {
    let asked = 0
    const model: Classifier = {
      name: 'model',
      async classify() {
        asked++
        return { category: 'negative', confidence: 0.9, reason: 'scripted model answer' }
      },
    }
    const composed = composeClassifiers(rules, model)
    const unsure = await composed.classify(await parseRawMessage(testReply('Sounds interesting, though we run a very small shop.')), classifierTestContext)
    expect(unsure).toMatchObject({ category: 'negative', classifier: 'model' })
    expect(asked).toBe(1)
    const refusal = await composed.classify(await parseRawMessage(testReply('Sounds interesting, but we have no sales team. Sorry!')), classifierTestContext)
    expect(refusal).toMatchObject({ category: 'negative', classifier: 'rules' })
    expect(asked).toBe(1)
  })
})

describe('rule classifier precision: the case table', () => {
  it('covers six languages, with at least half of its cases traps that must not be positive', () => {
    const all = [...traps, ...shortRefusals, ...genuinePositives, ...furtherCases, ...roundFiveCases, ...roundSixCases, ...roundSevenCases]
    expect(new Set(all.map(([language]) => language))).toEqual(new Set(['en', 'de', 'fr', 'es', 'pt', 'nl']))
    const mustNotBePositive = all.filter(([, expected]) => expected !== 'positive').length
    expect(mustNotBePositive).toBeGreaterThanOrEqual(all.length / 2)
    expect(new Set(all.map(([, , text]) => text)).size, 'no text is listed twice').toBe(all.length)
  })
})
