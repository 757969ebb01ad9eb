/**
 * Rollups are recomputed from the stored rows, never incremented: a batch only records which (vin, minute) keys it
 * touched (one small row of two arrays in `telemetry_rollup_pending`, same transaction as the rows), and the
 * refresh job rewrites those minute buckets from `telemetry`, then the enclosing hour buckets from the minute ones.
 * Duplicates, replays and shuffles therefore give the same result by construction (like continuous aggregates).
 */
export const ROLLUP_ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;

const AGGREGATE_COLUMNS = `vin, bucket, sample_count, speed_sum, speed_min, speed_max, soc_min, soc_max,
  odometer_min, odometer_max, first_event_time, last_event_time`;

const REPLACE = `
  sample_count = excluded.sample_count, speed_sum = excluded.speed_sum,
  speed_min = excluded.speed_min, speed_max = excluded.speed_max, soc_min = excluded.soc_min,
  soc_max = excluded.soc_max, odometer_min = excluded.odometer_min, odometer_max = excluded.odometer_max,
  first_event_time = excluded.first_event_time, last_event_time = excluded.last_event_time`;

/** CTE body for the insert statement: records the (vin, minute) keys of the rows in `source` (no row if none). */
export const recordPendingKeys = (source: string): string => `
  INSERT INTO telemetry_rollup_pending (vins, minutes)
  SELECT array_agg(vin), array_agg(minute)
  FROM (SELECT DISTINCT vin, date_bin('1 minute', event_time, ${ROLLUP_ORIGIN}) AS minute FROM ${source}) k
  HAVING count(*) > 0`;

/**
 * Claims every pending key committed so far, rewrites those minute buckets from `telemetry`, and returns the
 * distinct (vin, hour) keys to rewrite next. Run under the refresh lock so claims and rewrites never interleave.
 */
export const REFRESH_MINUTES_SQL = `
WITH claimed AS (DELETE FROM telemetry_rollup_pending RETURNING vins, minutes),
keys AS (SELECT DISTINCT k.vin, k.minute FROM claimed, unnest(claimed.vins, claimed.minutes) AS k(vin, minute)),
m AS (
  INSERT INTO telemetry_rollup_1m AS r (${AGGREGATE_COLUMNS})
  SELECT t.vin, keys.minute, count(*), sum(t.speed_kph::numeric), min(t.speed_kph), max(t.speed_kph),
         min(t.battery_soc_pct), max(t.battery_soc_pct), min(t.odometer_km), max(t.odometer_km),
         min(t.event_time), max(t.event_time)
  FROM keys JOIN telemetry t
    ON t.vin = keys.vin AND t.event_time >= keys.minute AND t.event_time < keys.minute + interval '1 minute'
  GROUP BY t.vin, keys.minute ORDER BY 1, 2
  ON CONFLICT (vin, bucket) DO UPDATE SET ${REPLACE}
)
SELECT coalesce(array_agg(vin), '{}') AS vins, coalesce(array_agg(hour), '{}') AS hours, (SELECT count(*)::int FROM keys) AS minutes
FROM (SELECT DISTINCT vin, date_bin('1 hour', minute, ${ROLLUP_ORIGIN}) AS hour FROM keys) h`;

/** Rewrites the given (vin, hour) buckets from the (already refreshed) minute buckets: sums, mins and maxes compose. */
export const REFRESH_HOURS_SQL = `
INSERT INTO telemetry_rollup_1h AS r (${AGGREGATE_COLUMNS})
SELECT m.vin, k.hour, sum(m.sample_count), sum(m.speed_sum), min(m.speed_min), max(m.speed_max), min(m.soc_min),
       max(m.soc_max), min(m.odometer_min), max(m.odometer_max), min(m.first_event_time), max(m.last_event_time)
FROM unnest($1::text[], $2::timestamptz[]) AS k(vin, hour) JOIN telemetry_rollup_1m m
  ON m.vin = k.vin AND m.bucket >= k.hour AND m.bucket < k.hour + interval '1 hour'
GROUP BY m.vin, k.hour ORDER BY 1, 2
ON CONFLICT (vin, bucket) DO UPDATE SET ${REPLACE}`;

export const CREATE_ROLLUP_PENDING = `
CREATE TABLE telemetry_rollup_pending (
  vins    text[]        NOT NULL,
  minutes timestamptz[] NOT NULL
);`;
