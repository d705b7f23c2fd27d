-- CAM store schema, version 3: the same planner trap as version 2 fixed for emails,
-- on alert deliveries. Version 1 indexed deliveries in flight `WHERE status =
-- 'delivering'`, a predicate every "record this claimed delivery" update implies
-- (`WHERE id = $1 AND status = 'delivering' AND claimed_by = $2`); with statistics
-- saying nothing is delivering, the planner may prefer that index to the primary key
-- and read every entry of it. `claim_expires_at` is set exactly while a delivery is
-- claimed; the recovery query still checks the status.
-- Additive: code of versions 1 and 2 runs unchanged against this schema.
DROP INDEX {{schema}}.alert_deliveries_delivering;
CREATE INDEX alert_deliveries_claim_expiry ON {{schema}}.alert_deliveries (claim_expires_at)
  WHERE claim_expires_at IS NOT NULL;
