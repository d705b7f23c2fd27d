-- CAM store schema, version 1.
-- {{schema}} is replaced by the quoted schema name (default "cam") when migrating.
-- Identifiers are text (ids come from core as UUID strings); times are timestamptz.

CREATE TABLE {{schema}}.campaigns (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'active', 'paused', 'completed')),
  status_reason text,
  sender jsonb NOT NULL,
  steps jsonb NOT NULL,
  schedule jsonb NOT NULL,
  daily_cap integer NOT NULL,
  rules jsonb NOT NULL,
  no_reply_timeout_days double precision NOT NULL,
  nurture_campaign_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE {{schema}}.leads (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  campaign_id text NOT NULL REFERENCES {{schema}}.campaigns (id),
  email text NOT NULL,
  email_normalized text NOT NULL,
  first_name text,
  last_name text,
  company text,
  variables jsonb NOT NULL DEFAULT '{}',
  timezone text,
  state text NOT NULL CHECK (state IN ('queued', 'active', 'paused', 'completed', 'replied', 'interested', 'not_interested', 'unsubscribed', 'bounced', 'no_reply', 'failed')),
  state_reason text,
  next_step_index integer NOT NULL DEFAULT 0,
  resume_at timestamptz,
  last_sent_at timestamptz,
  reply_deadline_at timestamptz,
  thread_subject text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (campaign_id, email_normalized)
);
-- listLeads by campaign in creation order (keyset pagination on seq).
CREATE INDEX leads_campaign_seq ON {{schema}}.leads (campaign_id, seq);
-- Matching replies by sender address and suppressing an address everywhere.
CREATE INDEX leads_email ON {{schema}}.leads (email_normalized);
-- The timeouts step: leads whose sequence ended and whose reply deadline passed.
CREATE INDEX leads_reply_deadline ON {{schema}}.leads (reply_deadline_at, seq)
  WHERE state IN ('completed', 'paused') AND reply_deadline_at IS NOT NULL;

-- Hot table: every send updates a row and inserts the next step, so it carries only the
-- indexes the queries need (partial ones cost nothing for rows outside their predicate).
CREATE TABLE {{schema}}.outbound_emails (
  id text PRIMARY KEY,
  campaign_id text NOT NULL REFERENCES {{schema}}.campaigns (id),
  lead_id text NOT NULL REFERENCES {{schema}}.leads (id),
  step_index integer NOT NULL,
  status text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled', 'in_doubt')),
  scheduled_at timestamptz NOT NULL,
  message_id text NOT NULL UNIQUE,
  provider_id text,
  provider_message_id text,
  idempotency_key text NOT NULL,
  in_reply_to text,
  thread_references text[] NOT NULL DEFAULT '{}',
  subject text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  claimed_by text,
  -- When the current claim was taken (an idempotent provider forgets keys after a while).
  claimed_at timestamptz,
  claim_expires_at timestamptz,
  sent_at timestamptz,
  -- Day key (campaign timezone) this email was counted against its campaign's daily cap; null when not counted.
  cap_day text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (lead_id, step_index)
);
-- The send step's claim: due follow-ups and due first touches of one campaign, oldest first.
-- (Emails not yet counted against a daily cap; retries are in the next index.)
CREATE INDEX outbound_emails_due_follow_ups ON {{schema}}.outbound_emails (campaign_id, scheduled_at, created_at, id)
  WHERE status = 'queued' AND step_index > 0 AND cap_day IS NULL;
CREATE INDEX outbound_emails_due_first_touches ON {{schema}}.outbound_emails (campaign_id, scheduled_at, created_at, id)
  WHERE status = 'queued' AND step_index = 0 AND cap_day IS NULL;
-- Retries already counted against a daily cap (claimed even when the cap is used up).
CREATE INDEX outbound_emails_due_retries ON {{schema}}.outbound_emails (campaign_id, scheduled_at)
  WHERE status = 'queued' AND cap_day IS NOT NULL;
-- Crash recovery: claims that expired while sending.
CREATE INDEX outbound_emails_sending ON {{schema}}.outbound_emails (campaign_id, claim_expires_at)
  WHERE status = 'sending';
-- (Cancelling or listing a lead's emails uses the unique (lead_id, step_index) index.)
CREATE INDEX outbound_emails_in_doubt ON {{schema}}.outbound_emails (campaign_id) WHERE status = 'in_doubt';
-- Matching replies by the Message-ID the provider used.
CREATE INDEX outbound_emails_provider_message_id ON {{schema}}.outbound_emails (provider_message_id)
  WHERE provider_message_id IS NOT NULL;

-- Emails counted against each campaign's daily cap, per day key in the campaign's timezone.
CREATE TABLE {{schema}}.daily_sends (
  campaign_id text NOT NULL REFERENCES {{schema}}.campaigns (id),
  day text NOT NULL,
  used integer NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, day)
);

-- Event counters per campaign and UTC day, updated in the same transaction as the event.
CREATE TABLE {{schema}}.campaign_counters (
  campaign_id text NOT NULL REFERENCES {{schema}}.campaigns (id),
  day date NOT NULL,
  sent integer NOT NULL DEFAULT 0,
  replied integer NOT NULL DEFAULT 0,
  positive integer NOT NULL DEFAULT 0,
  negative integer NOT NULL DEFAULT 0,
  bounced integer NOT NULL DEFAULT 0,
  hard_bounced integer NOT NULL DEFAULT 0,
  soft_bounced integer NOT NULL DEFAULT 0,
  blocked integer NOT NULL DEFAULT 0,
  unsubscribed integer NOT NULL DEFAULT 0,
  complained integer NOT NULL DEFAULT 0,
  out_of_office integer NOT NULL DEFAULT 0,
  auto_replies integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, day)
);

CREATE TABLE {{schema}}.inbox_cursors (
  inbox text PRIMARY KEY,
  cursor text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE {{schema}}.inbound_messages (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  inbox text NOT NULL,
  source_key text NOT NULL,
  message_id text,
  raw bytea NOT NULL,
  truncated boolean NOT NULL DEFAULT false,
  received_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'processed')),
  processed_at timestamptz,
  lead_id text,
  campaign_id text,
  outbound_email_id text,
  classification jsonb,
  note text,
  attempts integer NOT NULL DEFAULT 0,
  claimed_by text,
  claim_expires_at timestamptz,
  -- A released message waits until then.
  available_at timestamptz NOT NULL DEFAULT '-infinity',
  UNIQUE (inbox, source_key)
);
CREATE UNIQUE INDEX inbound_messages_message_id ON {{schema}}.inbound_messages (message_id) WHERE message_id IS NOT NULL;
-- The process step's claim: pending messages, oldest first.
CREATE INDEX inbound_messages_pending ON {{schema}}.inbound_messages (seq) WHERE status = 'pending';
CREATE INDEX inbound_messages_lead ON {{schema}}.inbound_messages (lead_id) WHERE lead_id IS NOT NULL;

CREATE TABLE {{schema}}.suppressions (
  email text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  reason text NOT NULL CHECK (reason IN ('unsubscribe', 'hard_bounce', 'complaint', 'manual')),
  source text,
  created_at timestamptz NOT NULL
);

CREATE TABLE {{schema}}.alerts (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  kind text NOT NULL,
  title text NOT NULL,
  campaign_id text,
  campaign_name text,
  lead_id text,
  lead_email text,
  lead_name text,
  category text,
  subject text,
  excerpt text,
  reason text,
  message_id text,
  created_at timestamptz NOT NULL
);
CREATE INDEX alerts_campaign ON {{schema}}.alerts (campaign_id, seq);

CREATE TABLE {{schema}}.alert_deliveries (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  alert_id text NOT NULL REFERENCES {{schema}}.alerts (id),
  channel text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  delivered_at timestamptz,
  claimed_by text,
  claim_expires_at timestamptz,
  UNIQUE (alert_id, channel)
);
-- The alerts step's claim: due pending deliveries and expired claims.
CREATE INDEX alert_deliveries_pending ON {{schema}}.alert_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_deliveries_delivering ON {{schema}}.alert_deliveries (claim_expires_at) WHERE status = 'delivering';

CREATE TABLE {{schema}}.worker_heartbeats (
  worker_id text PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  started_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  cycles integer NOT NULL,
  last_error text,
  leases text[] NOT NULL DEFAULT '{}'
);

-- Leases (Lock port): expiry computed with the database clock; token grows on every change of hands.
CREATE TABLE {{schema}}.leases (
  name text PRIMARY KEY,
  holder text,
  token bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
