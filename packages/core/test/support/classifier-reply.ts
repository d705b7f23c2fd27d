import { createRuleClassifier, parseRawMessage, type ClassificationContext, type ClassificationResult } from '../../src/index.js'

/** The classification context the classifier tests use: no lead, "now" is 12 March 2025. */
export const classifierTestContext: ClassificationContext = { lead: null, campaign: null, outboundEmail: null, now: new Date('2025-03-12T00:00:00Z') }

/** The pitch quoted under every test reply: full of trap words the classifier must ignore. */
export const trapQuote = "> Would you be interested in a call next Tuesday? If you're not interested, reply unsubscribe."

/** How a test reply is built (defaults: from Ana at northwind.io, no In-Reply-To, the trap quote). */
export interface TestReplyOptions {
  headers?: string[]
  from?: string
  inReplyTo?: string
  quote?: string
}

/** A reply to our pitch, sent Monday 10 March 2025, with `body` above the quoted pitch. */
export function testReply(body: string, options: TestReplyOptions = {}): string {
  return [
    `From: ${options.from ?? 'Ana Silva <ana@northwind.io>'}`,
    'To: Sam Carter <sam@acme-outreach.io>',
    'Subject: Re: Quick question',
    'Date: Mon, 10 Mar 2025 09:00:00 +0000',
    'Message-ID: <r1@northwind.io>',
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    ...(options.headers ?? []),
    '',
    body,
    '',
    'On Mon, Mar 3, 2025 at 9:00 AM Sam Carter <sam@acme-outreach.io> wrote:',
    options.quote ?? trapQuote,
    '',
  ].join('\r\n')
}

const rules = createRuleClassifier()

/** Parses and classifies a test reply with the built-in rule classifier. */
export async function classifyTestReply(body: string, options: TestReplyOptions = {}): Promise<ClassificationResult> {
  return rules.classify(await parseRawMessage(testReply(body, options)), classifierTestContext)
}
