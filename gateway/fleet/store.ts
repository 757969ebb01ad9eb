import type pg from "pg";
import { FleetlineError } from "../../platform/errors.ts";

export interface VehicleCredential {
  readonly vin: string;
  readonly secretHash: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** Revocations are announced on this channel so running gateways evict cached credentials at once. */
export const REVOCATION_CHANNEL = "fleet_revocations";

const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS vehicles (
  vin         text PRIMARY KEY CHECK (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  secret_hash text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
)`;

type Queryable = Pick<pg.Pool, "query">;

const toCredential = (row: { vin: string; secret_hash: string; created_at: Date; revoked_at: Date | null }): VehicleCredential => ({
  vin: row.vin,
  secretHash: row.secret_hash,
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

/** PostgreSQL table of vehicles: salted scrypt hashes only, never plain secrets. */
export function postgresFleetStore(db: Queryable) {
  return {
    async ensureSchema(): Promise<void> {
      await db.query(SCHEMA_SQL);
    },

    /** Inserts new vehicles in one statement; refuses (FLEET_VIN_EXISTS) if any VIN is already provisioned. */
    async provision(entries: readonly { vin: string; secretHash: string }[]): Promise<void> {
      try {
        await db.query("INSERT INTO vehicles (vin, secret_hash) SELECT * FROM unnest($1::text[], $2::text[])", [
          entries.map((entry) => entry.vin),
          entries.map((entry) => entry.secretHash),
        ]);
      } catch (error) {
        if ((error as { code?: string }).code === "23505")
          throw new FleetlineError("FLEET_VIN_EXISTS", `already provisioned: ${(error as { detail?: string }).detail ?? "a VIN"}`, { cause: error });
        throw error;
      }
    },

    /** Marks the vehicle revoked and notifies gateways; false when the VIN is unknown or already revoked. */
    async revoke(vin: string): Promise<boolean> {
      const result = await db.query(
        `WITH revoked AS (UPDATE vehicles SET revoked_at = now() WHERE vin = $1 AND revoked_at IS NULL RETURNING vin)
         SELECT pg_notify($2, vin) FROM revoked`,
        [vin, REVOCATION_CHANNEL],
      );
      return (result.rowCount ?? 0) > 0;
    },

    async find(vin: string): Promise<VehicleCredential | null> {
      const result = await db.query<{ vin: string; secret_hash: string; created_at: Date; revoked_at: Date | null }>(
        "SELECT vin, secret_hash, created_at, revoked_at FROM vehicles WHERE vin = $1",
        [vin],
      );
      const row = result.rows[0];
      return row ? toCredential(row) : null;
    },

    async list(): Promise<VehicleCredential[]> {
      const result = await db.query<{ vin: string; secret_hash: string; created_at: Date; revoked_at: Date | null }>(
        "SELECT vin, secret_hash, created_at, revoked_at FROM vehicles ORDER BY vin",
      );
      return result.rows.map(toCredential);
    },
  };
}

export type FleetStore = ReturnType<typeof postgresFleetStore>;
