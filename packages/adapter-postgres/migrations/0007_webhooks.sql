-- CAM store schema, version 7: outbound webhooks — registered endpoints, the event outbox
-- and one delivery per event and subscribed endpoint.
-- Additive: code of versions 1–6 still runs against this schema (it never reads or writes
-- the new tables and records no events). Every statement creates a new, empty table or an
-- index on one: cheap on a large store.

-- Endpoints as the workers registered them (url and event filter of the last
-- registration — never the signing secret, which stays in the workers' configuration)
-- and whether deliveries go to them.
CREATE TABLE {{schema}}.webhook_endpoints (
  name text PRIMARY KEY,
  url text NOT NULL,
  -- The event types it receives; NULL: all of them (`*`).
  events text[],
  status text NOT NULL CHECK (status IN ('enabled', 'disabled')),
  -- Why it is disabled (`410 Gone`); null when enabled.
  status_reason text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- The outbox: each event inserted by the transaction that made the state change causing
-- it (a processed reply, a paused campaign, a sent email, …), only when some enabled
-- endpoint subscribed to its type at that moment. `seq` orders events for per-lead
-- delivery order.
CREATE TABLE {{schema}}.webhook_events (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  type text NOT NULL,
  version integer NOT NULL,
  occurred_at timestamptz NOT NULL,
  campaign_id text,
  lead_id text,
  data jsonb NOT NULL,
  recorded_at timestamptz NOT NULL
);

-- One delivery per event and endpoint, inserted with the event. The event's `seq` and
-- lead are copied here so the claim can keep one lead's events in order per endpoint
-- without a join. `delivered_at` is set exactly when it is delivered and `dead_at` exactly
-- when it is given up: "still to deliver" is `delivered_at IS NULL AND dead_at IS NULL`,
-- which the claim's order check uses (a status predicate there would invite the planner
-- to read that index for the updates of a claimed delivery, as versions 2 and 3 fixed).
CREATE TABLE {{schema}}.webhook_deliveries (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  event_id text NOT NULL REFERENCES {{schema}}.webhook_events (id),
  event_seq bigint NOT NULL,
  endpoint text NOT NULL REFERENCES {{schema}}.webhook_endpoints (name),
  lead_id text,
  status text NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  delivered_at timestamptz,
  dead_at timestamptz,
  replayed_at timestamptz,
  claimed_by text,
  claim_expires_at timestamptz,
  created_at timestamptz NOT NULL,
  UNIQUE (event_id, endpoint),
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL)),
  CHECK ((status = 'dead') = (dead_at IS NOT NULL))
);
-- The webhooks step's claim: due pending deliveries, oldest due first…
CREATE INDEX webhook_deliveries_due ON {{schema}}.webhook_deliveries (next_attempt_at, event_seq) WHERE status = 'pending';
-- …and claims that expired (`claim_expires_at` is set exactly while claimed).
CREATE INDEX webhook_deliveries_claim_expiry ON {{schema}}.webhook_deliveries (claim_expires_at) WHERE claim_expires_at IS NOT NULL;
-- Per-lead order: "an earlier event of this lead to this endpoint is still to deliver".
CREATE INDEX webhook_deliveries_lead_order ON {{schema}}.webhook_deliveries (endpoint, lead_id, event_seq)
  WHERE lead_id IS NOT NULL AND delivered_at IS NULL AND dead_at IS NULL;
-- Listing page by page: the dead letters (what the dashboard shows and replays), one
-- endpoint's deliveries. Partial on `dead` only, for the same planner reason as above.
CREATE INDEX webhook_deliveries_dead ON {{schema}}.webhook_deliveries (seq) WHERE status = 'dead';
CREATE INDEX webhook_deliveries_by_endpoint ON {{schema}}.webhook_deliveries (endpoint, seq);
