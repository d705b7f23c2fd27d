-- CAM store schema, version 6: the sending pool (mailboxes).
-- Additive: code of versions 1–5 still runs against this schema (it ignores the new
-- tables and columns; its inserts leave the new columns at their defaults: a campaign
-- without mailboxes, leads and emails without one).
-- Every statement here is cheap on a large store: the new columns are nullable or have a
-- constant default (added without rewriting the table), and the new tables start empty.

-- The pool mailboxes a campaign sends from (names, JSON array of strings). Empty: every
-- mailbox of the worker, or its single sender.
ALTER TABLE {{schema}}.campaigns ADD COLUMN mailboxes jsonb NOT NULL DEFAULT '[]';

-- The mailbox a lead's first email went out from: its follow-ups go out from it too.
-- Not indexed: no query looks leads up by mailbox, and a recorded send stays a HOT update.
ALTER TABLE {{schema}}.leads ADD COLUMN mailbox text;

-- The mailbox an email was sent (or last attempted) from: findings about the email count
-- against it. Not indexed either (no query looks emails up by mailbox).
ALTER TABLE {{schema}}.outbound_emails ADD COLUMN mailbox text;

-- The pool's mailboxes as the workers registered them (settings of the last registration,
-- never credentials), their status and their sending state. `reserveMailboxSend` locks a
-- mailbox's row (`FOR UPDATE`) before it counts a send, so concurrent reservations of one
-- mailbox are taken one after the other: the daily limit and the gap between two sends
-- hold across every worker.
CREATE TABLE {{schema}}.mailboxes (
  name text PRIMARY KEY,
  address text NOT NULL,
  daily_limit integer NOT NULL CHECK (daily_limit >= 0),
  -- Ramp-up: `ramp_start` sends on the first sending day, `ramp_increment` more each day
  -- after (both null: the full limit from the first day).
  ramp_start integer CHECK (ramp_start >= 0),
  ramp_increment integer CHECK (ramp_increment >= 0),
  min_gap_ms bigint NOT NULL CHECK (min_gap_ms >= 0),
  status text NOT NULL CHECK (status IN ('active', 'paused')),
  -- Why it is paused; null when active.
  status_reason text,
  -- UTC day of its first reserved send (the ramp-up counts from it).
  first_send_day date,
  last_sent_at timestamptz,
  updated_at timestamptz NOT NULL,
  CHECK ((ramp_start IS NULL) = (ramp_increment IS NULL))
);

-- Sends reserved per mailbox and UTC day (the daily limit's count). A reservation given
-- back (the email was not sent after all) decrements it, never below 0.
CREATE TABLE {{schema}}.mailbox_daily_sends (
  mailbox text NOT NULL REFERENCES {{schema}}.mailboxes (name),
  day date NOT NULL,
  used integer NOT NULL DEFAULT 0,
  PRIMARY KEY (mailbox, day)
);

-- Event counters per mailbox and UTC day, as `campaign_counters` per campaign: `sent` and
-- the findings about the mailbox's emails (bounces, complaints, deliveries, …), updated in
-- the same transaction as the event. Keyed by name without a foreign key: an email may be
-- recorded as sent from a mailbox this store never registered (the counters still count).
-- getMailboxCounters reads a mailbox's days through the primary key.
CREATE TABLE {{schema}}.mailbox_counters (
  mailbox text NOT NULL,
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
  delivered integer NOT NULL DEFAULT 0,
  delayed integer NOT NULL DEFAULT 0,
  provider_suppressed integer NOT NULL DEFAULT 0,
  PRIMARY KEY (mailbox, day)
);
