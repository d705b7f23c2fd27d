import type { CampaignInput, LeadInput } from '@cam/core'

/** How a simulated prospect behaves. */
export type Persona =
  | 'positive'
  | 'price-question'
  | 'referral'
  | 'out-of-office'
  | 'unsubscribe'
  | 'not-interested'
  | 'hard-bounce'
  | 'soft-bounce'
  | 'complaint'
  | 'silent'

/** A demo lead and what it will do. */
export interface DemoLead extends LeadInput {
  email: string
  firstName: string
  lastName: string
  company: string
  persona: Persona
}

/** The campaign the demo runs: three steps, a weekday window in Berlin, a small daily cap. */
export const demoCampaign: CampaignInput = {
  name: 'CAM quickstart demo',
  sender: { email: 'ana@acme-demo.example', name: 'Ana from Acme' },
  steps: [
    {
      subject: 'Quick question about {{ company }}',
      text: [
        'Hi {{ firstName | default: "there" }},',
        '',
        'I noticed {{ company }} is hiring engineers. We help teams like yours cut their on-call load in half.',
        'Would a 15-minute call next week make sense?',
        '',
        'Ana',
        '',
        'Not interested? Unsubscribe: {{ unsubscribeUrl }}',
      ].join('\n'),
      delayDays: 0,
    },
    {
      text: 'Hi {{ firstName | default: "there" }}, just bumping this up in case it got buried. Worth a quick chat?\n\nAna',
      delayDays: 3,
    },
    {
      text: 'Hi {{ firstName | default: "there" }}, last note from me — if now is not the right time, no worries at all.\n\nAna',
      delayDays: 4,
    },
  ],
  schedule: { timezone: 'Europe/Berlin', weekdays: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' },
  dailyCap: 20,
  noReplyTimeoutDays: 5,
}

const people: Array<[string, string, string, string, Persona]> = [
  ['Ana', 'Silva', 'Lisbon Labs', 'Europe/Lisbon', 'positive'],
  ['Bruno', 'Keller', 'Keller Logistik', 'Europe/Berlin', 'price-question'],
  ['Chloé', 'Martin', 'Atelier Martin', 'Europe/Paris', 'referral'],
  ['Dieter', 'Braun', 'Braun Maschinenbau', 'Europe/Berlin', 'out-of-office'],
  ['Emma', 'Jones', 'Jones & Sons', 'Europe/London', 'unsubscribe'],
  ['Farid', 'Haddad', 'Cedar Systems', 'Asia/Dubai', 'hard-bounce'],
  ['Grace', 'Lee', 'Harbor Analytics', 'America/New_York', 'soft-bounce'],
  ['Hiro', 'Tanaka', 'Tanaka Robotics', 'Asia/Tokyo', 'complaint'],
  ['Isabel', 'Costa', 'Costa Foods', 'America/Sao_Paulo', 'not-interested'],
  ['Jan', 'de Vries', 'Polder Data', 'Europe/Amsterdam', 'silent'],
  ['Kofi', 'Mensah', 'Accra Fintech', 'Africa/Accra', 'silent'],
  ['Lena', 'Fischer', 'Fischer Medien', 'Europe/Berlin', 'silent'],
  ['Mateo', 'García', 'García Retail', 'Europe/Madrid', 'silent'],
  ['Nora', 'Berg', 'Fjord Energy', 'Europe/Oslo', 'silent'],
  ['Omar', 'Farouk', 'Nile Cloud', 'Africa/Cairo', 'silent'],
  ['Priya', 'Shah', 'Shah Health', 'Asia/Kolkata', 'silent'],
  ['Quinn', 'Murphy', 'Murphy Legal', 'Europe/Dublin', 'silent'],
  ['Rosa', 'Rossi', 'Rossi Design', 'Europe/Rome', 'silent'],
  ['Sven', 'Larsen', 'Larsen Shipping', 'Europe/Copenhagen', 'silent'],
  ['Tara', 'Nguyen', 'Saigon Apps', 'Asia/Ho_Chi_Minh', 'silent'],
  ['Uma', 'Patel', 'Patel Pharma', 'America/Chicago', 'silent'],
  ['Victor', 'Dubois', 'Dubois Conseil', 'Europe/Paris', 'silent'],
  ['Wen', 'Li', 'Pearl River Tech', 'Asia/Shanghai', 'silent'],
  ['Ximena', 'López', 'Andes Mining', 'America/Bogota', 'silent'],
  ['Yusuf', 'Demir', 'Bosphorus Travel', 'Europe/Istanbul', 'silent'],
]

const slug = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '')

/** The 25 demo leads, each with a persona. */
export const demoLeads: DemoLead[] = people.map(([firstName, lastName, company, timezone, persona]) => ({
  email: `${slug(firstName)}.${slug(lastName)}@${slug(company)}.example`,
  firstName,
  lastName,
  company,
  timezone,
  persona,
}))

/** The persona of an address, if it is a demo lead. */
export function personaOf(email: string): DemoLead | undefined {
  const address = email.trim().toLowerCase()
  return demoLeads.find((lead) => lead.email === address)
}
