import { describe, expect, it } from 'vitest'
import type { ClassificationResult } from '../src/index.js'
import { classifyTestReply } from './support/classifier-reply.js'

// Structural signals of the rule classifier (round 3): referrals from an address, a Cc'd
// colleague or a role with a hand-off verb; interest from availability questions and
// contact offers; unsubscribes from removal/stop/never-again structures; refusals from an
// incumbent or "not … right now"; absence notices from a date range. Each signal has
// adversarial cases that must not trigger it.

/** A reply from Ana at northwind.io (sent Monday 10 March 2025) quoting a pitch full of trap words. */
const from = 'Ana Silva <ana.silva@northwind.io>'
async function classify(body: string, headers: string[] = [], quote?: string): Promise<ClassificationResult> {
  return classifyTestReply(body, { headers, from, ...(quote ? { quote } : {}) })
}

const ccMaria = ['Cc: Maria Lopez <maria.lopez@northwind.io>']

describe('referral from structure', () => {
  it.each([
    // An address in the reply text with a hand-off verb or a role, in six languages.
    ['I handle product, not sales. Our VP Sales is Dan Ortiz - dan.ortiz@northwind.io', 'dan.ortiz@northwind.io'],
    ['Please direct this to partnerships@northwind.io', 'partnerships@northwind.io'],
    ['Our CTO Dan handles vendor stuff - dan@northwind.io', 'dan@northwind.io'],
    ['No thanks. Reach out to dan@northwind.io instead.', 'dan@northwind.io'],
    ['Bitte schreiben Sie an vertrieb@northwind.io.', 'vertrieb@northwind.io'],
    ["Merci d'écrire à achats@northwind.io, ils verront.", 'achats@northwind.io'],
    ['Te recomiendo hablar con nuestro director comercial, jlopez@northwind.io', 'jlopez@northwind.io'],
    ['Consulta con mi compañero Pablo, pablo@northwind.io', 'pablo@northwind.io'],
    ['Isso é com o nosso diretor comercial, o Ricardo: ricardo@northwind.io', 'ricardo@northwind.io'],
    ['Dit ligt bij onze salesmanager, Tim de Groot: tim.degroot@northwind.io', 'tim.degroot@northwind.io'],
    // The address on the line after the hand-off.
    ['Please contact our head of sales:\ndan@northwind.io', 'dan@northwind.io'],
  ] as const)('%s → %s', async (body, referralEmail) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe('referral')
    expect(result.referralEmail).toBe(referralEmail)
  })

  it.each([
    'Forwarding to Maya, who runs demand gen.',
    'Our VP Marketing, Ines, owns this.',
    'Try our COO, she owns vendor decisions.',
  ])('names a person or role without an address: %s', async (body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe('referral')
    expect(result.referralEmail).toBeUndefined()
  })

  it.each([
    ['Tom, can you take this one? Sounds like your area.', ['Cc: Tom Becker <tom.becker@northwind.io>'], 'tom.becker@northwind.io'],
    ['Sabine, kannst du das übernehmen?', ['Cc: Sabine Roth <sabine.roth@northwind.io>'], 'sabine.roth@northwind.io'],
    ['Carlos, ¿lo puedes revisar tú?', ['Cc: Carlos Vidal <carlos.vidal@northwind.io>'], 'carlos.vidal@northwind.io'],
    ['Maria handles this - she is copied here.', ccMaria, 'maria.lopez@northwind.io'],
  ] as const)('a Cc\'d colleague named or spoken to: %s', async (body, headers, referralEmail) => {
    const result = await classify(body, [...headers])
    expect(result.category, result.reason).toBe('referral')
    expect(result.referralEmail).toBe(referralEmail)
  })

  it.each([
    // An address in the signature or a contact line is the sender's or an assistant's.
    ['Not for us, thanks.\n\nAna Silva\nHead of Operations\nana.silva@northwind.io | +1 415 555 0100\nAssistant: beth.ames@northwind.io', 'negative'],
    ['Thanks!\n\n--\nAna Silva\nE: ana.silva@northwind.io\nAssistant: beth.ames@northwind.io', 'unknown'],
    // An address in the quoted pitch is not the reply's.
    ['Thanks, noted.', 'unknown'],
    // Scheduling through an assistant is interest.
    ['Sounds interesting - send the invite to my assistant lisa.moore@northwind.io', 'positive'],
    ['Tuesday works. My assistant, rosa.diaz@northwind.io, will send the calendar invite.', 'positive'],
    // The writer points back at themselves, deliberates, or only mentions a role.
    ['Contact me at ana.private@gmail.com instead.', 'unknown'],
    ["I'll talk to my boss and get back to you.", 'unknown'],
    ['Ich werde mit meinem Chef sprechen.', 'unknown'],
    ['Tengo que hablar con mi jefe primero.', 'unknown'],
    ['My manager liked your website.', 'unknown'],
    ["Could our finance team use this too? What's the price per seat?", 'question'],
    // Routing boilerplate and a refusal with a colleague copied for information.
    ['Not interested.\n\nFor support contact support@northwind.io', 'negative'],
    ['Thanks for your note.\n\nFor questions, contact info@northwind.io.', 'unknown'],
    ["Please don't forward this to dan@northwind.io.", 'unknown'],
  ] as const)('not a referral: %s', async (body, category) => {
    const quote = body === 'Thanks, noted.' ? '> Not the right person? Please contact dan@acme-partner.example instead.' : undefined
    const result = await classify(body, [], quote)
    expect(result.category, result.reason).toBe(category)
    expect(result.referralEmail).toBeUndefined()
  })

  it('a refusal that copies a colleague for information is a refusal', async () => {
    const result = await classify('Not interested. Maria, FYI.', ccMaria)
    expect(result.category, result.reason).toBe('negative')
  })

  it('an absence notice that names a colleague for urgent matters stays an absence notice', async () => {
    const result = await classify('Ich bin bis 20. März im Urlaub. Ihre Nachricht wird nicht weitergeleitet, wenden Sie sich bitte an vertrieb@northwind.io.', ['Auto-Submitted: auto-replied'])
    expect(result.category, result.reason).toBe('out_of_office')
    expect(result.returnDate?.toISOString().slice(0, 10)).toBe('2025-03-20')
  })
})

describe('interest from meeting logistics', () => {
  it.each([
    'We could use help here honestly. Are you around Thursday?',
    "Sounds like it might solve a problem we have. What's your availability like?",
    "Alright, you've got my attention. 15 mins Wednesday?",
    "Intrigued. Let's find 20 minutes - I'm around most afternoons next week.",
    "Ping me on WhatsApp +44 7700 900123 and we'll sort a time.",
    "I'm not free right now, but next week works.",
    '¿Cuándo te viene bien una llamada?',
    'Quando você pode conversar?',
    'Rufen Sie mich morgen an, 0171 2345678.',
    'Kun je me vanmiddag bellen?',
    // A number written in pairs, as in France and the Netherlands.
    'Ping me op 06 12 34 56 78.',
  ])('positive: %s', async (body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe('positive')
  })

  it.each([
    // Only a question about the offer.
    ['Which CRMs do you integrate with?', 'question'],
    ['Is your calendar integration any good? How much is it?', 'question'],
    // Negated or past logistics.
    ["I'm not around Monday, sorry.", 'unknown'],
    ["Don't call me on +44 7700 900123.", 'negative'],
    ['Did you call me yesterday?', 'question'],
  ] as const)('not positive: %s', async (body, category) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })
})

describe('unsubscribe from structure', () => {
  it.each([
    'Get me off this list.',
    'Bitte entfernen Sie meine E-Mail-Adresse aus Ihrem System.',
    'Merci de cesser vos envois.',
    'Eliminen mi correo de su base de datos, por favor.',
    'No vuelvas a escribirme.',
    'Por favor, apaguem meus dados do vosso sistema.',
    'Verwijder mijn gegevens uit uw bestand.',
    'Delete my details from your records please.',
    'dont send me any more emails',
    'Hören Sie bitte auf, mich anzuschreiben.',
    // Very short: the reply is only the request.
    'Löschen bitte.',
    'Austragen.',
    'Eliminar.',
    'Stopp!',
  ])('%s', async (body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe('unsubscribe')
  })

  it.each([

    ["Please don't remove me from the list, I like these.", 'unknown'],
    ['Bitte entfernen Sie mich nicht aus dem Verteiler.', 'unknown'],
    ['Stop by our booth and send us a message.', 'unknown'],
    ["Don't stop.", 'unknown'],
    ['Not interested right now, but feel free to email me again in Q3.', 'negative'],
  ] as const)('not an unsubscribe: %s', async (body, category) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })
})

describe('refusals from structure', () => {
  it.each([
    'Thanks but we just renewed with our current vendor.',
    "Can't justify the spend right now and don't see that changing this year.",
  ])('negative: %s', async (body) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe('negative')
  })

  it.each([
    ['We don\'t have a current vendor for this. What does it cost?', 'question'],
    ['Is our data stored in the EU right now?', 'question'],
  ] as const)('not a refusal: %s', async (body, category) => {
    const result = await classify(body)
    expect(result.category, result.reason).toBe(category)
  })
})

describe('absence notices from a date range', () => {
  it('an automatic reply with a day range and no known absence phrase is out of office, back at the range end', async () => {
    const result = await classify('Ich bin vom 10. bis 19. März nicht im Büro.', ['Auto-Submitted: auto-replied'])
    expect(result.category, result.reason).toBe('out_of_office')
    expect(result.returnDate?.toISOString().slice(0, 10)).toBe('2025-03-19')
  })

  it.each([
    ['Fuera de la oficina del 17 al 21 de marzo.', '2025-03-21'],
    ['Estou de férias de 17 a 28 de março.', '2025-03-28'],
    ['Vakantie van 17 t/m 21 maart.', '2025-03-21'],
  ] as const)('a day range with the month after it: %s', async (body, returnDate) => {
    const result = await classify(body, ['Auto-Submitted: auto-replied'])
    expect(result.category, result.reason).toBe('out_of_office')
    expect(result.returnDate?.toISOString().slice(0, 10)).toBe(returnDate)
  })

  it('a weekday after "back" is a return date too (no digit in the notice)', async () => {
    const result = await classify('Out this week. Back Monday.', ['Auto-Submitted: auto-replied'])
    expect(result.category, result.reason).toBe('out_of_office')
    expect(result.returnDate?.toISOString().slice(0, 10)).toBe('2025-03-17')
  })

  it('a delay in an automatic answer is not a return date', async () => {
    const result = await classify("Thanks for getting in touch! A member of our team will reply within 24 hours. Your ticket number is 88213.", ['Auto-Submitted: auto-replied'])
    expect(result.category, result.reason).toBe('auto_reply')
  })
})
