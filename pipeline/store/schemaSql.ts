/**
 * DDL shared by both storage modes. The telemetry table's columns and checks live here once; the plain mode makes
 * it range-partitioned by day, the TimescaleDB mode (timescale.ts) turns the same table into a hypertable.
 */
export const TELEMETRY_COLUMNS = `
  vin               text             NOT NULL CHECK (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  event_time        timestamptz      NOT NULL,
  event_id          uuid             NOT NULL,
  seq               bigint           NOT NULL CHECK (seq >= 0),
  received_at       timestamptz      NOT NULL,
  latitude          double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
  longitude         double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
  speed_kph         real             NOT NULL CHECK (speed_kph BETWEEN 0 AND 400),
  heading_deg       real             NOT NULL CHECK (heading_deg >= 0 AND heading_deg < 360),
  odometer_km       double precision NOT NULL CHECK (odometer_km >= 0),
  battery_soc_pct   real             NOT NULL CHECK (battery_soc_pct BETWEEN 0 AND 100),
  ambient_temp_c    real,
  battery_temp_c    real,
  tyre_pressure_kpa real[],
  fault_codes       text[]           NOT NULL DEFAULT '{}',
  PRIMARY KEY (vin, event_time, event_id)`;

export const CREATE_PARTITIONED_TELEMETRY = `
CREATE TABLE telemetry (${TELEMETRY_COLUMNS}
) PARTITION BY RANGE (event_time);
CREATE INDEX telemetry_event_time_brin ON telemetry USING brin (event_time);`;

export const CREATE_PLAIN_TELEMETRY = `CREATE TABLE telemetry (${TELEMETRY_COLUMNS}\n);`;

const rollupTable = (name: string) => `
CREATE TABLE ${name} (
  vin              text        NOT NULL,
  bucket           timestamptz NOT NULL,
  sample_count     bigint      NOT NULL,
  -- numeric, so the sum is exact and independent of arrival order
  speed_sum        numeric     NOT NULL,
  speed_avg        double precision GENERATED ALWAYS AS ((speed_sum / sample_count)::double precision) STORED,
  speed_min        real        NOT NULL,
  speed_max        real        NOT NULL,
  soc_min          real        NOT NULL,
  soc_max          real        NOT NULL,
  odometer_min     double precision NOT NULL,
  odometer_max     double precision NOT NULL,
  first_event_time timestamptz NOT NULL,
  last_event_time  timestamptz NOT NULL,
  PRIMARY KEY (vin, bucket)
) WITH (fillfactor = 70);`;

export const CREATE_SHARED_TABLES = `
CREATE TABLE vehicle_latest (
  vin               text PRIMARY KEY,
  event_time        timestamptz      NOT NULL,
  seq               bigint           NOT NULL,
  event_id          uuid             NOT NULL,
  received_at       timestamptz      NOT NULL,
  latitude          double precision NOT NULL,
  longitude         double precision NOT NULL,
  speed_kph         real             NOT NULL,
  heading_deg       real             NOT NULL,
  odometer_km       double precision NOT NULL,
  battery_soc_pct   real             NOT NULL,
  ambient_temp_c    real,
  battery_temp_c    real,
  tyre_pressure_kpa real[],
  fault_codes       text[]           NOT NULL
) WITH (fillfactor = 50); -- rewritten on every batch: free space keeps the updates HOT
${rollupTable("telemetry_rollup_1m")}
${rollupTable("telemetry_rollup_1h")}
CREATE INDEX telemetry_rollup_1m_bucket_brin ON telemetry_rollup_1m USING brin (bucket);
CREATE TABLE pipeline_storage_settings (key text PRIMARY KEY, value text NOT NULL);`;
