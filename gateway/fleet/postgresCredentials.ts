import pg from "pg";
import type { CredentialSource } from "./credentialCache.ts";
import { REVOCATION_CHANNEL } from "./store.ts";

/** Reads active (not revoked) credential hashes from the vehicles table. */
export function postgresCredentialSource(db: Pick<pg.Pool, "query">): CredentialSource {
  return {
    async activeHash(vin) {
      const result = await db.query<{ secret_hash: string }>("SELECT secret_hash FROM vehicles WHERE vin = $1 AND revoked_at IS NULL", [vin]);
      return result.rows[0]?.secret_hash ?? null;
    },
  };
}

/** LISTENs for revocations on a dedicated connection; `onRevoked` gets each revoked VIN. */
export async function listenForRevocations(
  databaseUrl: string,
  onRevoked: (vin: string) => void,
  onError: (error: Error) => void = () => undefined,
): Promise<{ close(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on("error", onError);
  await client.connect();
  client.on("notification", (message) => {
    if (message.channel === REVOCATION_CHANNEL && message.payload) onRevoked(message.payload);
  });
  await client.query(`LISTEN ${REVOCATION_CHANNEL}`);
  return { close: () => client.end() };
}
