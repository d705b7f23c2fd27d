import type { ReceivedAlert, ReceivedAlertPart } from '@cam/core/testing'
import type { SlackPostedMessage } from './slack-api-server.js'

/**
 * Splits a posted message into the text parts Slack renders. `plain_text` objects are
 * checked as strictly as mrkdwn (treated as mrkdwn): attacker text must be escaped
 * wherever it lands.
 */
export function toReceivedAlert(message: SlackPostedMessage): ReceivedAlert {
  const parts: ReceivedAlertPart[] = []
  const add = (object: unknown) => {
    const text = (object as { text?: unknown } | undefined)?.text
    if (typeof text === 'string') parts.push({ format: 'mrkdwn', text })
  }
  if (typeof message.payload['text'] === 'string') parts.push({ format: 'mrkdwn', text: message.payload['text'] })
  for (const block of (message.payload['blocks'] ?? []) as Array<Record<string, unknown>>) {
    if (block['text'] !== undefined) add(block['text'])
    for (const field of (block['fields'] ?? []) as unknown[]) add(field)
    for (const element of (block['elements'] ?? []) as unknown[]) add(element)
  }
  return { parts }
}
