import { mkdtemp, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthenticator } from "../../../gateway/fleet/credentialCache.ts";
import { runFleetCommand } from "../../../gateway/fleet/commands.ts";
import { postgresCredentialSource, listenForRevocations } from "../../../gateway/fleet/postgresCredentials.ts";
import { verifySecret } from "../../../gateway/fleet/secrets.ts";
import { postgresFleetStore, type FleetStore } from "../../../gateway/fleet/store.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

let database: TestDatabase;
let pool: pg.Pool;
let store: FleetStore;
let dir: string;
const lines: string[] = [];
const run = (...argv: string[]) => runFleetCommand(argv, { store, print: (line) => lines.push(line) });

beforeAll(async () => {
  database = await createTestDatabase("gwfleet");
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  store = postgresFleetStore(pool);
  await store.ensureSchema();
  dir = await mkdtemp(join(tmpdir(), "fleet-"));
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe("fleet credentials", () => {
  it("provisions N vehicles, writes plain secrets once (mode 600) and stores only scrypt hashes", async () => {
    // Given an empty fleet / When 5 vehicles are provisioned into a file
    const out = join(dir, "creds.json");
    expect(await run("provision", "--count", "5", "--out", out)).toBe(0);
    // Then the file holds 5 VIN/secret pairs readable only by the owner, and the table holds hashes that verify
    const credentials = JSON.parse(await readFile(out, "utf8")) as { vin: string; secret: string }[];
    expect(credentials).toHaveLength(5);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    const stored = await store.find(credentials[0]!.vin);
    expect(stored?.secretHash).toMatch(/^scrypt\$/);
    expect(stored?.secretHash).not.toContain(credentials[0]!.secret);
    expect(await verifySecret(credentials[0]!.secret, stored!.secretHash)).toBe(true);
    expect(await verifySecret("wrong", stored!.secretHash)).toBe(false);
  });

  it("refuses to overwrite an existing secrets file and to provision a VIN twice", async () => {
    const out = join(dir, "creds.json");
    await expect(run("provision", "--count", "1", "--out", out)).rejects.toMatchObject({ code: "FLEET_OUTPUT" });
    expect(await run("provision", "--vin", "1HGCM82633A004352")).toBe(0);
    await expect(run("provision", "--vin", "1HGCM82633A004352")).rejects.toMatchObject({ code: "FLEET_VIN_EXISTS" });
  });

  it("explains bad usage", async () => {
    await expect(run("provision", "--count", "0", "--out", join(dir, "x.json"))).rejects.toMatchObject({ code: "FLEET_USAGE" });
    await expect(run("provision", "--vin", "short")).rejects.toMatchObject({ code: "FLEET_USAGE" });
    await expect(run("revoke")).rejects.toMatchObject({ code: "FLEET_USAGE" });
    await expect(run("frobnicate")).rejects.toMatchObject({ code: "FLEET_USAGE" });
    expect(await run("--help")).toBe(0);
  });

  it("revokes a vehicle: the cached credential is evicted by the notification and authentication fails", async () => {
    // Given a provisioned vehicle whose credential is cached by a gateway listening for revocations
    lines.length = 0;
    await run("provision", "--vin", "5YJ3E1EA7KF317000");
    const { vin, secret } = JSON.parse(lines[0]!) as { vin: string; secret: string };
    const authenticator = createAuthenticator({ source: postgresCredentialSource(pool), verify: verifySecret, now: Date.now, ttlMs: 60_000, capacity: 100 });
    const revoked: string[] = [];
    const listener = await listenForRevocations(database.url, (revokedVin) => {
      authenticator.evict(revokedVin);
      revoked.push(revokedVin);
    });
    try {
      expect(await authenticator.authenticate(vin, secret)).toBe(true);
      expect(await authenticator.authenticate(vin, "guess")).toBe(false);
      // When it is revoked
      expect(await run("revoke", "--vin", vin)).toBe(0);
      await expect.poll(() => revoked).toContain(vin);
      // Then the same secret no longer authenticates, and a second revoke says so
      expect(await authenticator.authenticate(vin, secret)).toBe(false);
      await expect(run("revoke", "--vin", vin)).rejects.toMatchObject({ code: "FLEET_NOT_FOUND" });
    } finally {
      await listener.close();
    }
  });

  it("lists vehicles with their revocation state", async () => {
    lines.length = 0;
    expect(await run("list", "--json")).toBe(0);
    const listed = JSON.parse(lines[0]!) as { vin: string; revokedAt: string | null }[];
    expect(listed).toHaveLength(7);
    expect(listed.find((vehicle) => vehicle.vin === "5YJ3E1EA7KF317000")?.revokedAt).not.toBeNull();
  });
});
