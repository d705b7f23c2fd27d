import { describe, expect, it } from 'vitest'
import { createRuleClassifier, parseRawMessage, type ClassificationResult } from '../src/index.js'
import { extractReplyText } from '../src/mime/extract-reply-text.js'
import { classifierTestContext, classifyTestReply, testReply } from './support/classifier-reply.js'

const context = classifierTestContext
const rules = createRuleClassifier()

async function classify(body: string, headers: string[] = []): Promise<ClassificationResult> {
  return classifyTestReply(body, { headers })
}

describe('rule classifier: mixed intents', () => {
  it.each([
    // A yes with a logistics question is interest, not a question.
    ['positive', 'yes - does tuesday work? mornings are best for me'],
    ['positive', 'Grundsätzlich ja. Passt Ihnen Donnerstag um 10 Uhr?'],
    ['positive', 'Sí, me encaja. ¿Te va bien el jueves a las 11?'],
    ['positive', 'Ja, lijkt me interessant. Kan donderdag om 10:00?'],
    ['positive', 'Sure, I can spare 20 min. Thursday 3pm CET?'],
    ['positive', "Ok let's do it. Who should I expect on the call?"],
    // A question about price or details without a commitment stays a question.
    ['question', "Not sure this is for us. What does it cost, roughly?"],
    ['question', 'Can you send the pricing by Friday?'],
    // Interest with a timing objection is a timing objection.
    ['negative', 'Grundsätzlich finde ich das spannend, aber Budgetfreeze bis Q3. Können Sie sich im Juli nochmal melden?'],
    ['negative', 'Not interested right now, but feel free to check back in a couple of months.'],
    ['negative', 'Buenas, ahora mismo no. Escríbeme en junio.'],
    ['negative', 'Sure, in Q3.'],
    // Unsubscribe wins over a refusal, in every language.
    ['unsubscribe', 'No thanks. And please stop sending these.'],
    ['unsubscribe', 'No me interesa y no me escribas más.'],
    ['unsubscribe', 'Kein Interesse. Bitte streichen Sie meine Adresse.'],
  ] as const)('%s: %s', async (category, body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })
})

describe('rule classifier: a yes is not always interest', () => {
  it.each([
    ['Yes, I got your email. Not interested.', 'negative'],
    ['Yes, we are already working with a partner on this.', 'negative'],
    ['Sim, já temos uma solução.', 'negative'],
    ['Definitely not interested', 'negative'],
    ['Of course not.', 'unknown'],
    ['Yes?', 'question'],
    ['Oui, je confirme la réception.', 'unknown'],
    ['Ja, ich habe Ihre Mail erhalten.', 'unknown'],
    ['Sí, recibido.', 'unknown'],
    ['Vale, gracias.', 'unknown'],
    ['Graag gedaan.', 'unknown'],
    // Portuguese "já" (already) folds to "ja" but is no German or Dutch yes.
    ['Já usamos outra ferramenta e estamos satisfeitos.', 'negative'],
    ['Já vi o seu e-mail.', 'unknown'],
  ] as const)('%s → %s', async (body, category) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })

  it('does not take a day in a negated or past sentence for a meeting proposal', async () => {
    for (const body of ["I'm not free on Monday.", "We can't meet this week.", 'Did you email me on Monday?', 'Is Friday the deadline?']) {
      const result = await classify(body)
      expect(result.category, `${body}: ${result.reason}`).not.toBe('positive')
    }
  })
})

describe('rule classifier: phrase families in six languages', () => {
  it.each([
    ['positive', 'Happy to take a look. Can you send over an invite for Wed next week?'],
    ['positive', "This is timely, we're evaluating tools this month. Grab a slot here: https://calendly.com/tnolan/20min"],
    ['positive', 'wir schauen uns das gerne mal an.'],
    ['positive', "Ça peut nous intéresser. Vous pouvez m'appeler demain matin."],
    ['positive', 'Claro que sí, agenda algo para el martes.'],
    ['positive', 'Achei bacana. Podemos marcar uma call rápida amanhã?'],
    ['positive', 'Prima, plan maar een belletje in voor volgende week dinsdag.'],
    ['positive', "We'd def be intrested in seeing a demo, can u do thurs?"],
    ['negative', 'Danke für die Nachricht, aber das ist für uns kein Thema.'],
    ['negative', 'Ça ne nous concerne pas.'],
    ['negative', 'Dank voor je mail, maar dit is niets voor ons.'],
    ['negative', 'No estamos buscando nada así, gracias.'],
    ['unsubscribe', 'This is the third email. Stop.'],
    ['unsubscribe', 'pls remove'],
    ['unsubscribe', 'How did you even get this address? Remove it.'],
    ['unsubscribe', "Je ne souhaite plus recevoir vos mails."],
    ['unsubscribe', 'Haal mij alsjeblieft van jullie lijst.'],
    ['unsubscribe', 'Quero ser removido da lista.'],
    ['unsubscribe', 'Unterlassen Sie bitte künftig jede Kontaktaufnahme.'],
    ['referral', "I'm not involved in tooling decisions anymore. Our RevOps lead Marcus would be the one to ask."],
    ['referral', 'No me corresponde a mí, mejor escribe a compras@suarez-hoteles.es'],
    ['referral', 'Je ne suis plus en charge du commercial. Écrivez plutôt à claire@faure.fr'],
    ['referral', 'Daarvoor moet je bij Sanne zijn, zij doet onze marketing.'],
    ['unknown', 'Will circle back after our board meeting.'],
  ] as const)('%s: %s', async (category, body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })

  it('reads privacy-law words as an unsubscribe only with a deletion request', async () => {
    expect((await classify('Ist das DSGVO-konform und wo stehen Ihre Server?')).category).toBe('question')
    expect((await classify('Datenschutz: Wie löschen Sie Daten nach Vertragsende?')).category).toBe('question')
    expect((await classify('Gemäß DSGVO: Löschen Sie meine Daten.')).category).toBe('unsubscribe')
  })

  it('names the successor of someone who left', async () => {
    const result = await classify('Hi, I left Orbital in January. You can reach my successor at tom.reyes@orbitalspace.io')
    expect(result).toMatchObject({ category: 'referral', referralEmail: 'tom.reyes@orbitalspace.io' })
  })
})

describe('rule classifier: families added from held-out set 3', () => {
  it.each([
    ['positive', 'Call me.'],
    ['positive', 'Perfecto, mándame un par de horarios y lo vemos.'],
    ['question', "I'd need to understand the pricing before taking a meeting."],
    ['referral', "Honestly I don't know who would own this here. Maybe try our COO, Raj Malhotra - raj@moss.io"],
    ['referral', 'Tom retired last year. The new head of sales is Alison Grey (agrey@harris.com).'],
    ['referral', 'Not me, sorry.'],
    ['referral', 'Für dieses Thema ist Herr Dr. Brandt zuständig: t.brandt@lang.de'],
    ['referral', 'Quem vê isso aqui é a Carla, do marketing: carla@lopes.com.br'],
    ['referral', 'Hiervoor kun je het beste contact opnemen met Mark de Wit.'],
    ['negative', 'Respectfully, no.'],
    ['negative', 'lol no'],
    ['negative', 'We looked at a few vendors and decided to build our own.'],
    ['negative', 'Wir sind mit unserer aktuellen Lösung sehr zufrieden.'],
    ['negative', 'Pas le bon moment, nous sommes en pleine réorganisation.'],
    ['negative', 'We doen dit al intern, dus niet nodig.'],
    ['unsubscribe', "I'd appreciate it if you didn't contact me again."],
    ['unsubscribe', "Ne m'écrivez plus s'il vous plaît."],
    ['unsubscribe', 'Merci de me retirer de votre fichier.'],
  ] as const)('%s: %s', async (category, body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })

  it('keeps the new families from misfiring', async () => {
    expect((await classify("Not me, I'm not interested.")).category).toBe('negative')
    expect((await classify("We're happy with the proposal, let's talk Tuesday.")).category).toBe('positive')
    expect((await classify('No es mal momento, hablemos el lunes.')).category).toBe('positive')
    expect((await classify('Ik zal contact opnemen met mijn team.')).category).toBe('unknown')
    expect((await classify("Don't call me.")).category).not.toBe('positive')
  })
})

describe('rule classifier: absence written by a person', () => {
  it.each([
    ["I'm travelling through the 21st with patchy signal - will reply when I'm back.", '2025-03-21'],
    ['Bin bis 14.3. im Urlaub, melde mich danach.', '2025-03-14'],
    ['Estoy de viaje hasta el lunes 17, te contesto a la vuelta.', '2025-03-17'],
    ['Estou de férias até dia 21/03, respondo quando voltar.', '2025-03-21'],
    ['Ben t/m 14 maart op vakantie, daarna reageer ik.', '2025-03-14'],
  ] as const)('%s → back %s', async (body, date) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe('out_of_office')
    expect(result.returnDate?.toISOString().slice(0, 10)).toBe(date)
  })

  it('reads calendar weeks and day-first dates in automatic replies', async () => {
    const week = await classify('Ich bin auf Geschäftsreise und ab KW 13 wieder im Büro.', ['Auto-Submitted: auto-replied'])
    expect(week.returnDate?.toISOString().slice(0, 10)).toBe('2025-03-24')
    const dutch = await classify('Ik ben even weg. Vanaf 17-3 ben ik weer bereikbaar.', ['X-Autorespond: yes'])
    expect(dutch.returnDate?.toISOString().slice(0, 10)).toBe('2025-03-17')
  })
})

describe('reply extraction', () => {
  it('finds a quote header written right under the reply (Spark)', () => {
    const text = 'Your timing is good. Can we speak Monday?\nOn 7 Mar 2025 at 10:16 -0500, Sam Carter <sam@acme.io>, wrote:\n> Hi'
    expect(extractReplyText(text)).toBe('Your timing is good. Can we speak Monday?')
    expect(extractReplyText('Sounds good\nOn 7 Mar 2025 at 10:16 -0500, Sam Carter <sam@acme.io>, wrote:\n> Hi')).toBe('Sounds good')
  })

  it("cuts the signature at a line with only the sender's name", async () => {
    const text = 'We handle all our outbound in house and have no plans to change that.\n\nHannah Scott\nVP Marketing\nBook time with me: https://meadowbank.io/meet/hannah'
    expect(extractReplyText(text, { senderName: 'Hannah Scott' })).toBe('We handle all our outbound in house and have no plans to change that.')
    const raw = testReply(text, { from: 'Hannah Scott <hannah@meadowbank.io>' })
    expect((await rules.classify(await parseRawMessage(raw), context)).category).toBe('negative')
  })
})

describe('rule classifier: bounces', () => {
  const notice = (from: string, subject: string, body: string) =>
    `Return-Path: <>\r\nFrom: ${from}\r\nTo: sam@acme-outreach.io\r\nSubject: ${subject}\r\nDate: Mon, 10 Mar 2025 09:01:12 +0000\r\nMessage-ID: <b1@mx.example>\r\n\r\n${body}\r\n`
  const returnedCopy = '\r\n------ This is a copy of the message, including all the headers. ------\r\n\r\nDKIM-Signature: v=1; a=rsa-sha256; d=acme-outreach.io; s=cam\r\nFrom: Sam Carter <sam@acme-outreach.io>\r\nSubject: Quick question\r\n\r\nAre you interested?'

  it('judges the notice, not the headers of the returned copy', async () => {
    const raw = notice('Mail Delivery System <Mailer-Daemon@relay.example>', 'Mail delivery failed: returning message to sender', `A message that you sent could not be delivered to one or more of its\r\nrecipients. This is a permanent error. The following address(es) failed:\r\n\r\n  info@dead-domain.example\r\n    all relevant MX records point to non-existent hosts\r\n${returnedCopy}`)
    const result = await rules.classify(await parseRawMessage(raw), context)
    expect(result).toMatchObject({ category: 'bounce', bounce: { type: 'hard', recipient: 'info@dead-domain.example' } })
  })

  it('calls a failed sender verification a block, although it says "User unknown" (about our return path)', async () => {
    const raw = notice('Mail Delivery System <Mailer-Daemon@relay.example>', 'Mail delivery failed: returning message to sender', `This is a permanent error. The following address(es) failed:\r\n\r\n  tom@strict.example\r\n    550-Verification failed for <bounces@acme-outreach.io>\r\n    550-Response: 550 5.1.1 <bounces@acme-outreach.io>: Recipient address rejected: User unknown\r\n    550 Sender verify failed\r\n`)
    const result = await rules.classify(await parseRawMessage(raw), context)
    expect(result.bounce?.type, result.reason).toBe('block')
  })

  it('reads "not listed in Domino Directory" as an unknown user, not a block list', async () => {
    const raw = notice('Postmaster@huber.example', 'DELIVERY FAILURE: User Karl Huber (k.huber@huber.example) not listed in Domino Directory', 'Your message\r\n\r\nwas not delivered to:\r\n\r\n  k.huber@huber.example\r\n\r\nbecause:\r\n\r\n  User Karl Huber (k.huber@huber.example) not listed in Domino Directory')
    const result = await rules.classify(await parseRawMessage(raw), context)
    expect(result).toMatchObject({ category: 'bounce', bounce: { type: 'hard' } })
  })

  it('recognises a notice from a mail system by its status code, in a language it does not read', async () => {
    const raw = notice('MAILER-DAEMON@smtp.libero.example', 'Messaggio non recapitato', 'Il messaggio non è stato recapitato ai seguenti destinatari:\r\n\r\n  marco@libero.example\r\n  550 5.1.1 indirizzo email inesistente')
    const result = await rules.classify(await parseRawMessage(raw), context)
    expect(result).toMatchObject({ category: 'bounce', bounce: { type: 'hard', status: '5.1.1', recipient: 'marco@libero.example' } })
  })
})
