import { z } from 'zod'
import type { AiCategory } from './ai-categories.js'

/** What the model must answer, as the zod schema given to the AI SDK (`Output.object`). */
export interface ModelAnswer {
  category: AiCategory
  confidence: number
  reason: string
  referralEmail: string | null
  returnDate: string | null
}

/** An ISO 8601 calendar date, `2026-03-02`. */
const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * The schema of the model's answer, for the categories it may use. Every field is required
 * (optional ones are `null`), as OpenAI's strict structured outputs demand; anything else —
 * another category, a confidence outside 0…1, a missing field — fails validation.
 */
export function modelAnswerSchema(categories: readonly AiCategory[]): z.ZodType<ModelAnswer> {
  return z.object({
    category: z.enum(categories as [AiCategory, ...AiCategory[]]).describe('The category of the reply.'),
    confidence: z.number().min(0).max(1).describe('How sure you are, from 0 to 1.'),
    reason: z.string().describe('Why, in at most 20 words.'),
    referralEmail: z
      .string()
      .nullable()
      .describe('For referral only: the address the sender points to, exactly as written in the reply (or its placeholder such as [email 1]); otherwise null.'),
    returnDate: z.string().regex(isoDatePattern).nullable().describe('For out_of_office only: the date the sender is back, as YYYY-MM-DD; otherwise null.'),
  })
}

/** Days before the reply's date a return date may lie (time zones). */
const returnDateDaysBefore = 1
/** Days after the reply's date a return date may lie: about a year and a month, as the rule classifier reads them. */
const returnDateDaysAfter = 400
const dayMs = 24 * 60 * 60 * 1000
/** Hour (UTC) of a return date, as the rule classifier gives them. */
const returnDateHour = 12

/** The calendar date `text` names (`YYYY-MM-DD`) at 12:00 UTC, or null when there is no such date. */
export function parseReturnDate(text: string): Date | null {
  const match = isoDatePattern.exec(text)
  if (match === null) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day, returnDateHour))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null
}

/** A valid email address (zod's check). */
const emailSchema = z.email()

/** The answer's optional fields, checked against the reply. */
export interface CheckedAnswerFields {
  referralEmail?: string
  returnDate?: Date
}

/**
 * The rules across fields the schema cannot state: `referralEmail` only for `referral`, and
 * it must be a valid address written in the reply (a placeholder is turned back into the
 * address it replaced); `returnDate` only for `out_of_office`, a real date from a day before
 * the reply to about a year after it. Returns the checked fields, or what is wrong.
 */
export function checkAnswerFields(
  answer: ModelAnswer,
  reply: { text: string; emails: ReadonlyMap<string, string>; receivedAt: Date },
): { fields: CheckedAnswerFields } | { problem: string } {
  const fields: CheckedAnswerFields = {}
  if (answer.referralEmail !== null) {
    if (answer.category !== 'referral') return { problem: `it gave a referralEmail with category ${answer.category}` }
    const address = reply.emails.get(answer.referralEmail.trim()) ?? answer.referralEmail.trim()
    if (!emailSchema.safeParse(address).success) return { problem: 'its referralEmail is not a valid email address' }
    if (!reply.text.toLowerCase().includes(address.toLowerCase())) return { problem: 'its referralEmail is not written in the reply' }
    fields.referralEmail = address
  }
  if (answer.returnDate !== null) {
    if (answer.category !== 'out_of_office') return { problem: `it gave a returnDate with category ${answer.category}` }
    const date = parseReturnDate(answer.returnDate)
    if (date === null) return { problem: `its returnDate ${answer.returnDate} is not a calendar date` }
    const received = reply.receivedAt.getTime()
    if (date.getTime() < received - returnDateDaysBefore * dayMs || date.getTime() > received + returnDateDaysAfter * dayMs) {
      return { problem: `its returnDate ${answer.returnDate} is not within a year after the reply` }
    }
    fields.returnDate = date
  }
  return { fields }
}
