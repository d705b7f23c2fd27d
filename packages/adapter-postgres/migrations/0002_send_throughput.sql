-- CAM store schema, version 2: cheaper sends.
-- Additive: code of version 1 still runs against this schema (its queries stay correct).
-- Adding the generated column rewrites `leads` once, under an exclusive lock: on a large
-- store, run this migration when no worker is running.

-- Claims in flight, by campaign and expiry (crash recovery). Version 1 indexed them
-- `WHERE status = 'sending'`, a predicate that every "update this claimed email"
-- statement (`WHERE id = $1 AND status = 'sending' AND claimed_by = $2`) implies: when
-- the statistics said no email was `sending`, the planner preferred that index to the
-- primary key and read every entry of it, live and dead, on each recorded send.
-- `claim_expires_at` is set exactly while an email is `sending`; the recovery query still
-- checks the status, and no per-email update implies this predicate.
DROP INDEX {{schema}}.outbound_emails_sending;
CREATE INDEX outbound_emails_claim_expiry ON {{schema}}.outbound_emails (campaign_id, claim_expires_at)
  WHERE claim_expires_at IS NOT NULL;

-- Leads: a recorded send updates the lead's progress. Version 1's timeouts index had the
-- lead's `state` in its predicate, so every change of state (queued → active → completed)
-- was a non-HOT update writing a new entry into all five indexes of the table. The
-- timeouts step now reads `reply_due_at`, the reply deadline of a lead that waits for a
-- reply (completed or paused), null otherwise; a state change that leaves it null indexes
-- nothing, and the free space left in each page lets the new row version stay on it (HOT).
ALTER TABLE {{schema}}.leads SET (fillfactor = 85);
ALTER TABLE {{schema}}.leads ADD COLUMN reply_due_at timestamptz
  GENERATED ALWAYS AS (CASE WHEN state IN ('completed', 'paused') THEN reply_deadline_at END) STORED;
DROP INDEX {{schema}}.leads_reply_deadline;
CREATE INDEX leads_reply_due ON {{schema}}.leads (reply_due_at, seq) WHERE reply_due_at IS NOT NULL;

-- Scheduling the next step checked two foreign keys, the second one by locking the
-- campaign's row (FOR KEY SHARE) in every recorded send, so concurrent sends of one
-- campaign queued on that row and turned its lock into a multixact. One composite key now
-- checks the lead, which the same transaction has just updated, and states more than the
-- two did: an email belongs to its lead's campaign (which the leads' own key checks).
ALTER TABLE {{schema}}.leads ADD CONSTRAINT leads_id_campaign_id_key UNIQUE (id, campaign_id);
ALTER TABLE {{schema}}.outbound_emails
  ADD CONSTRAINT outbound_emails_lead_campaign_fkey FOREIGN KEY (lead_id, campaign_id) REFERENCES {{schema}}.leads (id, campaign_id),
  DROP CONSTRAINT outbound_emails_lead_id_fkey,
  DROP CONSTRAINT outbound_emails_campaign_id_fkey;
