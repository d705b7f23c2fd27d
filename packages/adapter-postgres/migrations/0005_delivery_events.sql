-- CAM store schema, version 5: delivery events.
-- Additive: code of versions 1–4 still runs against this schema (it ignores the new
-- tables and columns; its counter inserts leave the new counters at their default 0).
-- Every statement here is cheap on a large store: columns with a constant default are
-- added without rewriting the table, and the new tables start empty. The two indexes
-- on `outbound_emails` are built under a lock that blocks writes to it (not reads) for
-- as long as they take to build.

-- Counters of what providers report (webhooks, reconciles): emails delivered (accepted by
-- the receiving server, and not bounced since), delayed (retried by the provider), and not
-- sent because the address is on the provider's own suppression list.
ALTER TABLE {{schema}}.campaign_counters
  ADD COLUMN delivered integer NOT NULL DEFAULT 0,
  ADD COLUMN delayed integer NOT NULL DEFAULT 0,
  ADD COLUMN provider_suppressed integer NOT NULL DEFAULT 0;

-- What is known about each outbound email's delivery, whichever way it arrived (a DSN or
-- an ARF report over IMAP, a provider's webhook, a reconcile): one row per email and kind,
-- so each finding moves the counters once per email. `counted` is false for a finding
-- recorded but not counted (a `delivered` report after a bounce). Writers lock the email's
-- row (`FOR UPDATE`) first, so two reports of one email are applied one after the other.
CREATE TABLE {{schema}}.email_findings (
  email_id text NOT NULL REFERENCES {{schema}}.outbound_emails (id),
  kind text NOT NULL CHECK (kind IN ('delivered', 'delayed', 'bounced', 'soft_bounced', 'complained', 'suppressed', 'failed')),
  counted boolean NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (email_id, kind)
);

-- Delivery events as providers reported them, each recorded once: the primary key is the
-- provider's event id (unique per provider), so a redelivered webhook inserts nothing and
-- applies nothing. `campaign_id` and `lead_id` are the email's, copied for listing.
CREATE TABLE {{schema}}.delivery_events (
  provider text NOT NULL,
  event_id text NOT NULL,
  -- Storage order: the listings show the newest first.
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  email_id text NOT NULL REFERENCES {{schema}}.outbound_emails (id),
  campaign_id text NOT NULL,
  lead_id text NOT NULL,
  type text NOT NULL CHECK (type IN ('delivered', 'delayed', 'bounced', 'complained', 'suppressed', 'failed')),
  -- Normalised address the event is about, when the provider said.
  recipient text,
  -- Set for a bounce: its type, the provider's explanation and the SMTP diagnostic.
  bounce_type text CHECK (bounce_type IN ('hard', 'soft', 'block')),
  bounce_reason text,
  bounce_diagnostic_code text,
  -- The provider's explanation of a `suppressed`, `failed` or `delayed` event.
  reason text,
  -- When it happened (the provider's time) and when CAM recorded it.
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (provider, event_id)
);
-- listDeliveryEvents of one email or one campaign, newest first.
CREATE INDEX delivery_events_email ON {{schema}}.delivery_events (email_id, seq DESC);
CREATE INDEX delivery_events_campaign ON {{schema}}.delivery_events (campaign_id, seq DESC);

-- Matching a provider's event to the email by the id the sender recorded (not unique:
-- nothing guarantees that two providers never hand out the same id).
CREATE INDEX outbound_emails_provider_id ON {{schema}}.outbound_emails (provider_id)
  WHERE provider_id IS NOT NULL;

-- A reconcile's question: sent emails with a provider id, by the time they were sent
-- (those with a final finding are skipped through `email_findings`). A sent email gets its
-- one entry here when it is recorded sent; no update of a claimed email (`status =
-- 'sending'`) implies this predicate, so the planner never prefers it to the primary key.
CREATE INDEX outbound_emails_awaiting_delivery ON {{schema}}.outbound_emails (sent_at, id)
  WHERE status = 'sent' AND provider_id IS NOT NULL;
