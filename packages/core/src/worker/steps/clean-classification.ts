import type { ClassificationResult } from '../../domain/classification.js'
import { containsControlCharacter, sanitizeText, toSingleLine } from '../../domain/plain-text.js'

/**
 * A classifier's answer, sanitised like every text CAM stores: a model may echo bytes of
 * the reply (NUL, lone surrogates) into its reason or the addresses it found, and a
 * database refuses them. Addresses holding a control character are dropped, not altered.
 */
export function cleanClassification(classification: ClassificationResult): ClassificationResult {
  const clean: ClassificationResult = { ...classification, reason: sanitizeText(String(classification.reason ?? '')) }
  if (classification.referralEmail !== undefined) {
    if (containsControlCharacter(classification.referralEmail)) delete clean.referralEmail
    else clean.referralEmail = classification.referralEmail
  }
  if (classification.classifier !== undefined) clean.classifier = toSingleLine(classification.classifier)
  if (classification.bounce) {
    const { status, diagnostic, recipient } = classification.bounce
    clean.bounce = {
      ...classification.bounce,
      status: status === null ? null : toSingleLine(status),
      diagnostic: diagnostic === null ? null : sanitizeText(diagnostic),
      recipient: recipient === null || containsControlCharacter(recipient) ? null : recipient,
    }
  }
  return clean
}
