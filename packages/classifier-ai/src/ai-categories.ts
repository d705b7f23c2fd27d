import { replyCategories, type ReplyCategory } from '@cam/core'

/**
 * The reply categories a language model may answer: every {@link ReplyCategory} except
 * `bounce` and `complaint`. Those two are decided from the message's structure (delivery
 * status notifications, ARF feedback reports, mail-system senders), which the model never
 * sees: it is sent only the reply text.
 */
export type AiCategory = Exclude<ReplyCategory, 'bounce' | 'complaint'>

/** Categories only the message's structure can tell, never offered to the model. */
export const structuralCategories: readonly ReplyCategory[] = ['bounce', 'complaint']

/** The categories the model may answer by default: all of {@link AiCategory} (every reply category but the structural ones). */
export const defaultAiCategories: readonly AiCategory[] = replyCategories.filter(
  (category): category is AiCategory => !structuralCategories.includes(category),
)

/** What each category means, as the model is told (the wording of `ReplyCategory` in `@cam/core`). */
export const categoryMeanings: Readonly<Record<AiCategory, string>> = {
  positive: 'interest in the offer or a meeting request (a human is alerted at once)',
  question: 'asks about price, details or how it works, without saying yes or no yet',
  referral: '"not me, talk to …": points to someone else (give their address in referralEmail when the reply contains it)',
  negative: 'a refusal or an objection',
  unsubscribe: 'any wish to stop receiving mail (wins over negative)',
  out_of_office: 'an absence notice (give the return date in returnDate when the reply says it)',
  auto_reply: 'any other automatic answer: ticket receipts, "we got your message"',
  unknown: 'none of these, or you are unsure',
}
