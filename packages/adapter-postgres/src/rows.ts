import type {
  Alert,
  AlertDelivery,
  BounceType,
  Campaign,
  ClassificationResult,
  DeliveryEvent,
  InboundMessage,
  Lead,
  MailboxState,
  OutboundEmail,
  Suppression,
  WorkerHeartbeat,
} from '@cam/core'

/** A row as the driver returns it (snake_case columns). */
export type Row = Record<string, unknown>

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value))
const date = (value: unknown): Date | null => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)))
const requiredDate = (value: unknown): Date => date(value) ?? new Date(Number.NaN)
const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value))
const json = <T>(value: unknown): T => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T))
const bytes = (value: unknown): Uint8Array => {
  if (value instanceof Uint8Array) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength))
  return new Uint8Array(0)
}

export function toCampaign(row: Row): Campaign {
  return {
    id: String(row.id),
    name: String(row.name),
    status: row.status as Campaign['status'],
    sender: json(row.sender),
    steps: json(row.steps),
    schedule: json(row.schedule),
    dailyCap: num(row.daily_cap),
    rules: json(row.rules),
    noReplyTimeoutDays: num(row.no_reply_timeout_days),
    nurtureCampaignId: text(row.nurture_campaign_id),
    // Rows written before schema version 6 read as no mailboxes.
    mailboxes: json<string[] | null | undefined>(row.mailboxes) ?? [],
    statusReason: text(row.status_reason),
    createdAt: requiredDate(row.created_at),
    updatedAt: requiredDate(row.updated_at),
  }
}

export function toLead(row: Row): Lead {
  return {
    id: String(row.id),
    campaignId: String(row.campaign_id),
    email: String(row.email),
    emailNormalized: String(row.email_normalized),
    firstName: text(row.first_name),
    lastName: text(row.last_name),
    company: text(row.company),
    variables: json<Record<string, string>>(row.variables) ?? {},
    timezone: text(row.timezone),
    state: row.state as Lead['state'],
    stateReason: text(row.state_reason),
    nextStepIndex: num(row.next_step_index),
    resumeAt: date(row.resume_at),
    lastSentAt: date(row.last_sent_at),
    replyDeadlineAt: date(row.reply_deadline_at),
    threadSubject: text(row.thread_subject),
    mailbox: text(row.mailbox),
    createdAt: requiredDate(row.created_at),
    updatedAt: requiredDate(row.updated_at),
  }
}

export function toEmail(row: Row): OutboundEmail {
  return {
    id: String(row.id),
    campaignId: String(row.campaign_id),
    leadId: String(row.lead_id),
    stepIndex: num(row.step_index),
    status: row.status as OutboundEmail['status'],
    scheduledAt: requiredDate(row.scheduled_at),
    messageId: String(row.message_id),
    providerId: text(row.provider_id),
    providerMessageId: text(row.provider_message_id),
    idempotencyKey: String(row.idempotency_key),
    inReplyTo: text(row.in_reply_to),
    references: Array.isArray(row.thread_references) ? (row.thread_references as unknown[]).map(String) : [],
    subject: text(row.subject),
    attempts: num(row.attempts),
    lastError: text(row.last_error),
    claimedBy: text(row.claimed_by),
    claimExpiresAt: date(row.claim_expires_at),
    sentAt: date(row.sent_at),
    mailbox: text(row.mailbox),
    createdAt: requiredDate(row.created_at),
    updatedAt: requiredDate(row.updated_at),
  }
}

/**
 * A `mailboxes` row joined with its `mailbox_daily_sends` count of the day asked about
 * (`sent_on_day`, null: none). `first_send_day` is selected as text (`YYYY-MM-DD`): the
 * drivers would turn a `date` into a local-time `Date`.
 */
export function toMailboxState(row: Row): MailboxState {
  const rampStart = row.ramp_start
  const rampIncrement = row.ramp_increment
  return {
    name: String(row.name),
    address: String(row.address),
    dailyLimit: num(row.daily_limit),
    rampUp: rampStart === null || rampStart === undefined || rampIncrement === null || rampIncrement === undefined ? null : { start: num(rampStart), increment: num(rampIncrement) },
    minGapMs: num(row.min_gap_ms),
    status: row.status as MailboxState['status'],
    statusReason: text(row.status_reason),
    firstSendDay: text(row.first_send_day),
    sentOnDay: row.sent_on_day === null || row.sent_on_day === undefined ? 0 : num(row.sent_on_day),
    lastSentAt: date(row.last_sent_at),
    updatedAt: requiredDate(row.updated_at),
  }
}

/** A `delivery_events` row; the bounce columns are set for a bounce only. */
export function toDeliveryEvent(row: Row): DeliveryEvent {
  return {
    id: String(row.event_id),
    provider: String(row.provider),
    type: row.type as DeliveryEvent['type'],
    emailId: String(row.email_id),
    campaignId: String(row.campaign_id),
    leadId: String(row.lead_id),
    recipient: text(row.recipient),
    bounce:
      row.bounce_type === null || row.bounce_type === undefined
        ? null
        : { type: row.bounce_type as BounceType, reason: text(row.bounce_reason), diagnosticCode: text(row.bounce_diagnostic_code) },
    reason: text(row.reason),
    occurredAt: requiredDate(row.occurred_at),
    recordedAt: requiredDate(row.recorded_at),
  }
}

/** Classifications are stored as JSON; dates inside come back as `Date`. */
export function toClassification(value: unknown): ClassificationResult | null {
  if (value === null || value === undefined) return null
  const parsed = json<ClassificationResult & { returnDate?: unknown }>(value)
  return parsed.returnDate === undefined || parsed.returnDate === null ? parsed : { ...parsed, returnDate: requiredDate(parsed.returnDate) }
}

export function toMessage(row: Row): InboundMessage {
  return {
    id: String(row.id),
    inbox: String(row.inbox),
    sourceKey: String(row.source_key),
    messageId: text(row.message_id),
    raw: bytes(row.raw),
    truncated: Boolean(row.truncated),
    receivedAt: requiredDate(row.received_at),
    status: row.status as InboundMessage['status'],
    processedAt: date(row.processed_at),
    leadId: text(row.lead_id),
    campaignId: text(row.campaign_id),
    outboundEmailId: text(row.outbound_email_id),
    classification: toClassification(row.classification),
    note: text(row.note),
    attempts: num(row.attempts),
    failures: num(row.failures),
    lastError: text(row.last_error),
    claimedBy: text(row.claimed_by),
    claimExpiresAt: date(row.claim_expires_at),
  }
}

export function toSuppression(row: Row): Suppression {
  return {
    email: String(row.email),
    reason: row.reason as Suppression['reason'],
    source: text(row.source),
    createdAt: requiredDate(row.created_at),
  }
}

export function toAlert(row: Row): Alert {
  return {
    id: String(row.id),
    kind: row.kind as Alert['kind'],
    title: String(row.title),
    campaignId: text(row.campaign_id),
    campaignName: text(row.campaign_name),
    leadId: text(row.lead_id),
    leadEmail: text(row.lead_email),
    leadName: text(row.lead_name),
    category: text(row.category) as Alert['category'],
    subject: text(row.subject),
    excerpt: text(row.excerpt),
    reason: text(row.reason),
    messageId: text(row.message_id),
    createdAt: requiredDate(row.created_at),
  }
}

export function toDelivery(row: Row): AlertDelivery {
  return {
    id: String(row.id),
    alertId: String(row.alert_id),
    channel: String(row.channel),
    status: row.status as AlertDelivery['status'],
    attempts: num(row.attempts),
    nextAttemptAt: requiredDate(row.next_attempt_at),
    lastError: text(row.last_error),
    deliveredAt: date(row.delivered_at),
    claimedBy: text(row.claimed_by),
    claimExpiresAt: date(row.claim_expires_at),
  }
}

export function toHeartbeat(row: Row): WorkerHeartbeat {
  return {
    workerId: String(row.worker_id),
    host: String(row.host),
    pid: num(row.pid),
    startedAt: requiredDate(row.started_at),
    lastSeenAt: requiredDate(row.last_seen_at),
    cycles: num(row.cycles),
    lastError: text(row.last_error),
    leases: Array.isArray(row.leases) ? (row.leases as unknown[]).map(String) : [],
  }
}
