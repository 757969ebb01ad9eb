import { z } from "zod";
import { env, loadConfigOrExit } from "../platform/config.ts";
import { telemetryV1, telemetryV2, type TelemetryV1, type TelemetryV2 } from "../schemas/catalog.ts";
import { createSerde } from "../schemas/serde.ts";
import { printTable, writeBenchResult } from "./support.ts";

/**
 * `npm run bench:serde`: Avro in Confluent wire format vs JSON (the baseline, same records, same run), for
 * telemetry v1 and v2: encode and decode records/s and bytes per record. The registry is off the hot path (ids
 * and resolvers are cached after the first record), so an in-memory stand-in answers the two calls made.
 */
const config = loadConfigOrExit(
  z.object({ BENCH_SERDE_RECORDS: env.positiveInt(200_000), BENCH_SERDE_ROUNDS: env.positiveInt(5) }),
);

function inMemoryRegistry(): typeof fetch {
  const schemas: string[] = [];
  return (input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url).pathname;
    if (init?.method === "POST") {
      const { schema } = JSON.parse(init.body as string) as { schema: string };
      const index = schemas.indexOf(schema);
      return Promise.resolve(Response.json({ id: index >= 0 ? index + 1 : schemas.push(schema) }));
    }
    return Promise.resolve(Response.json({ schema: schemas[Number(path.split("/").pop()) - 1] }));
  };
}

function telemetry(seq: number): TelemetryV2 {
  return {
    event_id: `6f1c2a9e-3b7d-4c1a-9e2f-${seq.toString(16).padStart(12, "0")}`,
    vin: "WDB1240221A123456",
    event_time: 1_760_000_000_000 + seq * 1000,
    seq,
    received_at: 1_760_000_000_250 + seq * 1000,
    latitude: 48.137154 + (seq % 1000) / 1e5,
    longitude: 11.576124 - (seq % 1000) / 1e5,
    speed_kph: (seq % 180) + 0.5,
    heading_deg: (seq % 360) + 0.25,
    odometer_km: 42_195.7 + seq / 100,
    battery_soc_pct: 80 - (seq % 50) / 2,
    ambient_temp_c: seq % 7 === 0 ? null : 18.5,
    battery_temp_c: 31.5,
    tyre_pressure_kpa: [230, 231.5, 228, 229],
    fault_codes: seq % 10 === 0 ? ["P0A80"] : [],
  };
}

function v1Of(record: TelemetryV2): TelemetryV1 {
  const { battery_temp_c: _a, tyre_pressure_kpa: _b, fault_codes: _c, ...v1 } = record;
  return v1;
}

function rate(records: number, work: () => void): number {
  let best = 0;
  for (let round = 0; round < config.BENCH_SERDE_ROUNDS; round++) {
    const start = process.hrtime.bigint();
    work();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, records / seconds);
  }
  return Math.round(best);
}

async function asyncRate(records: number, work: () => Promise<void>): Promise<number> {
  let best = 0;
  for (let round = 0; round < config.BENCH_SERDE_ROUNDS; round++) {
    const start = process.hrtime.bigint();
    await work();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, records / seconds);
  }
  return Math.round(best);
}

const count = config.BENCH_SERDE_RECORDS;
const serde = createSerde({ registryUrl: "http://in-memory.registry", fetch: inMemoryRegistry() });
const subject = "vehicle.telemetry-value";
const cases = [
  { name: "telemetry v1", schema: telemetryV1, records: Array.from({ length: count }, (_, i) => v1Of(telemetry(i))) },
  { name: "telemetry v2", schema: telemetryV2, records: Array.from({ length: count }, (_, i) => telemetry(i)) },
];

const results = [];
for (const { name, schema, records } of cases) {
  const id = await serde.register(subject, schema);
  const avro = records.map((record) => serde.encodeWithId(id, record));
  const json = records.map((record) => Buffer.from(JSON.stringify(record)));
  await serde.decode(avro[0] ?? null, schema);
  await serde.decode(avro[0] ?? null, telemetryV2);
  const sink: unknown[] = [];
  const result = {
    name,
    records: count,
    avroBytesPerRecord: avro.reduce((sum, bytes) => sum + bytes.length, 0) / count,
    jsonBytesPerRecord: json.reduce((sum, bytes) => sum + bytes.length, 0) / count,
    avroEncodePerSec: rate(count, () => {
      for (const record of records) sink[0] = serde.encodeWithId(id, record);
    }),
    jsonEncodePerSec: rate(count, () => {
      for (const record of records) sink[0] = Buffer.from(JSON.stringify(record));
    }),
    avroDecodePerSec: await asyncRate(count, async () => {
      for (const bytes of avro) sink[0] = await serde.decode(bytes, schema);
    }),
    /** Writer version → the v2 reader through an avsc resolver (v1 rows: defaults filled). */
    avroDecodeIntoV2PerSec: await asyncRate(count, async () => {
      for (const bytes of avro) sink[0] = await serde.decode(bytes, telemetryV2);
    }),
    jsonDecodePerSec: rate(count, () => {
      for (const bytes of json) sink[0] = JSON.parse(bytes.toString("utf8"));
    }),
  };
  results.push(result);
}

const table = results.map((r) => ({
  case: r.name,
  "avro B/rec": r.avroBytesPerRecord.toFixed(1),
  "json B/rec": r.jsonBytesPerRecord.toFixed(1),
  "avro enc/s": r.avroEncodePerSec.toLocaleString("en"),
  "json enc/s": r.jsonEncodePerSec.toLocaleString("en"),
  "avro dec/s": r.avroDecodePerSec.toLocaleString("en"),
  "avro dec→v2/s": r.avroDecodeIntoV2PerSec.toLocaleString("en"),
  "json dec/s": r.jsonDecodePerSec.toLocaleString("en"),
}));
printTable(table);
const output = {
  bench: "serde",
  at: new Date().toISOString(),
  node: process.version,
  note: "best of rounds; baseline = JSON.stringify+Buffer.from / JSON.parse of the same records in the same run; Avro includes the 5-byte Confluent header",
  rounds: config.BENCH_SERDE_ROUNDS,
  results,
};
console.log(`wrote ${writeBenchResult("serde", output)}`);
