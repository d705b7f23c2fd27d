-- CAM store schema, version 4: fault tolerance.
-- Additive: code of versions 1–3 still runs against this schema (it ignores the new
-- columns; its own claims are treated as possibly attempted, see below).

-- Send attempts of a sender that is not idempotent. A claim for such a sender sets
-- `attempt_pending_since` to its `claimed_at`; the send step clears it just before it
-- hands the email to the sender. An expired claim whose `attempt_pending_since` still
-- equals its `claimed_at` never reached the sender and is simply claimed again; any
-- other expired claim may have been sent and is held `in_doubt` (as before). A claim by
-- older code leaves the column alone, so it never equals that claim's `claimed_at`: it
-- counts as possibly attempted — the safe side.
ALTER TABLE {{schema}}.outbound_emails ADD COLUMN attempt_pending_since timestamptz;

-- Messages whose processing keeps failing are set aside (`quarantined`) with their last
-- error instead of being retried forever; `failures` counts failed attempts (errors the
-- message caused, and claims that expired before an outcome).
ALTER TABLE {{schema}}.inbound_messages
  DROP CONSTRAINT inbound_messages_status_check,
  ADD CONSTRAINT inbound_messages_status_check CHECK (status IN ('pending', 'processed', 'quarantined')),
  ADD COLUMN failures integer NOT NULL DEFAULT 0,
  ADD COLUMN last_error text,
  -- SHA-256 of the raw bytes of a message without a Message-ID: stored once per inbox,
  -- whatever source key it comes back under (e.g. after an IMAP UIDVALIDITY change).
  ADD COLUMN content_hash bytea;

-- Messages stored before this version: the first of each group of identical messages
-- without a Message-ID gets its hash (earlier duplicates stay, unhashed: nothing stored
-- is removed).
UPDATE {{schema}}.inbound_messages m SET content_hash = sha256(m.raw)
WHERE m.id IN (
  SELECT DISTINCT ON (inbox, sha256(raw)) id FROM {{schema}}.inbound_messages
  WHERE message_id IS NULL
  ORDER BY inbox, sha256(raw), seq
);
CREATE UNIQUE INDEX inbound_messages_content ON {{schema}}.inbound_messages (inbox, content_hash) WHERE content_hash IS NOT NULL;
