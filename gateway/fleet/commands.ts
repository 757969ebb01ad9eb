import { randomBytes } from "node:crypto";
import { open } from "node:fs/promises";
import { parseArgs } from "node:util";
import { FleetlineError } from "../../platform/errors.ts";
import { isVin, vinFromBytes } from "../core/vin.ts";
import { hashSecret, newSecret } from "./secrets.ts";
import type { FleetStore } from "./store.ts";

export const FLEET_USAGE = `Usage: npm run fleet -- <command> [options]

Commands:
  provision --count N --out FILE   create N vehicles with random VINs; FILE receives the plain secrets (once, mode 600)
  provision --vin VIN [--out FILE] create one vehicle; the secret goes to FILE, or stdout without --out
  revoke --vin VIN                 revoke a vehicle: its connections are refused from now on
  list [--json]                    list vehicles with their provisioning and revocation times
  --help                           this text

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/fleetline)`;

export interface FleetIo {
  readonly store: FleetStore;
  readonly print: (line: string) => void;
}

const MAX_COUNT = 1_000_000;

/** Runs one fleet command; returns the process exit code. Invalid usage raises FLEET_USAGE with a clear message. */
export async function runFleetCommand(argv: readonly string[], io: FleetIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help" || rest.includes("--help")) {
    io.print(FLEET_USAGE);
    return command === undefined ? 64 : 0;
  }
  let values: { count?: string; out?: string; vin?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...rest],
      options: { count: { type: "string" }, out: { type: "string" }, vin: { type: "string" }, json: { type: "boolean" } },
      strict: true,
    }));
  } catch (error) {
    throw usage(error instanceof Error ? error.message : String(error));
  }
  switch (command) {
    case "provision":
      return provision(values, io);
    case "revoke":
      return revoke(values.vin, io);
    case "list":
      return list(values.json === true, io);
    default:
      throw usage(`unknown command "${command}"`);
  }
}

const usage = (message: string) => new FleetlineError("FLEET_USAGE", `${message}\n\n${FLEET_USAGE}`);

async function provision(values: { count?: string; out?: string; vin?: string }, io: FleetIo): Promise<number> {
  if ((values.count === undefined) === (values.vin === undefined)) throw usage("provision needs exactly one of --count N or --vin VIN");
  let vins: string[];
  if (values.vin !== undefined) {
    if (!isVin(values.vin)) throw usage(`--vin ${values.vin}: expected 17 characters of [A-HJ-NPR-Z0-9]`);
    vins = [values.vin];
  } else {
    const count = Number(values.count);
    if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) throw usage(`--count ${values.count}: expected an integer 1..${MAX_COUNT}`);
    if (values.out === undefined) throw usage("provision --count needs --out FILE for the secrets");
    vins = [...new Set(Array.from({ length: count }, () => vinFromBytes(randomBytes(17))))];
  }
  // Open the output first (exclusively) so no vehicle is stored whose secret cannot be handed over.
  const file = values.out === undefined ? null : await openExclusive(values.out);
  try {
    const entries = await mapLimited(vins, 8, async (vin) => {
      const secret = newSecret();
      return { vin, secret, secretHash: await hashSecret(secret) };
    });
    await io.store.provision(entries);
    const credentials = entries.map(({ vin, secret }) => ({ vin, secret }));
    if (file) {
      await file.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
      io.print(`provisioned ${credentials.length} vehicle(s); secrets written to ${values.out}`);
    } else io.print(JSON.stringify(credentials[0]));
    return 0;
  } finally {
    await file?.close();
  }
}

async function openExclusive(path: string) {
  try {
    return await open(path, "wx", 0o600);
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new FleetlineError("FLEET_OUTPUT", code === "EEXIST" ? `--out ${path} already exists; refusing to overwrite secrets` : `--out ${path}: ${String(error)}`, { cause: error });
  }
}

async function revoke(vin: string | undefined, io: FleetIo): Promise<number> {
  if (vin === undefined || !isVin(vin)) throw usage("revoke needs --vin VIN (17 characters of [A-HJ-NPR-Z0-9])");
  if (await io.store.revoke(vin)) {
    io.print(`revoked ${vin}`);
    return 0;
  }
  const existing = await io.store.find(vin);
  throw new FleetlineError("FLEET_NOT_FOUND", existing ? `${vin} is already revoked` : `${vin} is not provisioned`);
}

async function list(json: boolean, io: FleetIo): Promise<number> {
  const vehicles = await io.store.list();
  if (json) {
    io.print(JSON.stringify(vehicles.map(({ vin, createdAt, revokedAt }) => ({ vin, createdAt, revokedAt }))));
    return 0;
  }
  io.print(`${"VIN".padEnd(17)}  ${"PROVISIONED".padEnd(24)}  REVOKED`);
  for (const vehicle of vehicles) io.print(`${vehicle.vin}  ${vehicle.createdAt.toISOString()}  ${vehicle.revokedAt?.toISOString() ?? "-"}`);
  io.print(`${vehicles.length} vehicle(s), ${vehicles.filter((vehicle) => vehicle.revokedAt).length} revoked`);
  return 0;
}

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
