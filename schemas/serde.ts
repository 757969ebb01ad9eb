import type { Resolver, Type } from "avsc";
import { Counter } from "prom-client";
import { FleetlineError } from "../platform/errors.ts";
import { metricsRegistry } from "../platform/metrics.ts";
import { withRetry, type RetryPolicy } from "../platform/retry.ts";
import { parseType } from "./compatibility/check.ts";
import { schemaError, schemaErrorCodes } from "./errors.ts";
import { createRegistryClient } from "./registryClient.ts";
import { frame, readHeader, WIRE_HEADER_BYTES } from "./wire.ts";

/**
 * Avro in Confluent wire format against any Confluent-compatible registry. Registration, writer-schema lookups,
 * parsed types and writer→reader resolvers are cached: after the first record of a given schema id, encoding and
 * decoding make no registry call. Failures are FleetlineErrors with SCHEMA_* codes; only
 * SCHEMA_REGISTRY_UNAVAILABLE is retriable.
 */
export interface Serde {
  /** Registers `schema` under `subject` (cached) and returns 0x00 | id | Avro body. */
  encode(subject: string, schema: object, record: unknown): Promise<Buffer>;
  /** Synchronous encode with an id obtained earlier from register() on this Serde. */
  encodeWithId(schemaId: number, record: unknown): Buffer;
  register(subject: string, schema: object): Promise<number>;
  /** Decodes any registered writer version into `readerSchema`'s shape. */
  decode<T>(bytes: Buffer | null, readerSchema: object): Promise<T>;
}

export interface SerdeOptions {
  registryUrl: string;
  fetch?: typeof fetch;
  /** Retry registry calls that fail retriably; by default none (the caller's own loop decides). */
  retry?: RetryPolicy;
  timeoutMs?: number;
}

export const registryCallsTotal = new Counter({
  name: "fleetline_schema_registry_calls_total",
  help: "Schema registry HTTP calls made by serdes, by operation and outcome (cache misses only)",
  labelNames: ["operation", "outcome"] as const,
  registers: [metricsRegistry],
});

const SAME_SCHEMA = null;

export function createSerde(options: SerdeOptions): Serde {
  const client = createRegistryClient({ url: options.registryUrl, fetch: options.fetch, timeoutMs: options.timeoutMs });
  const writers = new Map<number, Type>();
  const pendingWriters = new Map<number, Promise<Type>>();
  const registrations = new Map<string, Promise<number>>();
  const registeredBySchema = new WeakMap<object, Map<string, number>>();
  const readers = new WeakMap<object, Type>();
  const resolvers = new Map<number, WeakMap<Type, Resolver | typeof SAME_SCHEMA>>();
  let scratch = Buffer.allocUnsafe(64 * 1024);

  async function remote<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const run = async () => {
      try {
        const result = await call();
        registryCallsTotal.inc({ operation, outcome: "ok" });
        return result;
      } catch (error) {
        registryCallsTotal.inc({ operation, outcome: error instanceof FleetlineError ? error.code : "error" });
        throw error;
      }
    };
    return options.retry ? withRetry(options.retry, run) : run();
  }

  function parse(schema: object | string, what: string): Type {
    try {
      return parseType(schema);
    } catch (error) {
      throw schemaError(schemaErrorCodes.invalidSchema, `${what} is not a valid Avro schema: ${String(error)}`, {
        cause: error,
      });
    }
  }

  function register(subject: string, schema: object): Promise<number> {
    const known = registeredBySchema.get(schema)?.get(subject);
    if (known !== undefined) return Promise.resolve(known);
    const text = JSON.stringify(schema);
    const key = `${subject}\n${text}`;
    let pending = registrations.get(key);
    if (pending === undefined) {
      const type = parse(schema, `the schema for ${subject}`);
      pending = remote("register", () => client.register(subject, text)).then((id) => {
        if (!writers.has(id)) writers.set(id, type);
        return id;
      });
      registrations.set(key, pending);
      pending.catch(() => registrations.delete(key));
    }
    return pending.then((id) => {
      const bySubject = registeredBySchema.get(schema) ?? new Map<string, number>();
      bySubject.set(subject, id);
      registeredBySchema.set(schema, bySubject);
      return id;
    });
  }

  function encodeWithId(schemaId: number, record: unknown): Buffer {
    const type = writers.get(schemaId);
    if (type === undefined) {
      throw schemaError(
        schemaErrorCodes.unknownId,
        `schema id ${schemaId} was not registered through this serde; call register() first`,
        {
          details: { schemaId },
        },
      );
    }
    try {
      let end = type.encode(record, scratch, WIRE_HEADER_BYTES);
      if (end < 0) {
        scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, WIRE_HEADER_BYTES - end));
        end = type.encode(record, scratch, WIRE_HEADER_BYTES);
      }
      if (end < 0) return frame(schemaId, type.toBuffer(record));
      const out = Buffer.allocUnsafe(end);
      scratch.copy(out, 0, 0, end);
      out[0] = 0;
      out.writeUInt32BE(schemaId, 1);
      return out;
    } catch (error) {
      throw invalidRecord(type, record, error);
    }
  }

  function writerType(schemaId: number): Promise<Type> {
    let pending = pendingWriters.get(schemaId);
    if (pending === undefined) {
      pending = remote("schema_by_id", () => client.schemaById(schemaId)).then((text) => {
        const type = parse(text, `registered schema id ${schemaId}`);
        writers.set(schemaId, type);
        return type;
      });
      pendingWriters.set(schemaId, pending);
      pending.then(
        () => pendingWriters.delete(schemaId),
        () => pendingWriters.delete(schemaId),
      );
    }
    return pending;
  }

  function readerType(schema: object): Type {
    let type = readers.get(schema);
    if (type === undefined) {
      type = parse(schema, "the reader schema");
      readers.set(schema, type);
    }
    return type;
  }

  function resolverFor(schemaId: number, writer: Type, reader: Type): Resolver | typeof SAME_SCHEMA {
    let byReader = resolvers.get(schemaId);
    if (byReader === undefined) {
      byReader = new WeakMap();
      resolvers.set(schemaId, byReader);
    }
    let resolver = byReader.get(reader);
    if (resolver === undefined) {
      try {
        resolver = reader.equals(writer) ? SAME_SCHEMA : reader.createResolver(writer);
      } catch (error) {
        throw schemaError(
          schemaErrorCodes.incompatible,
          `writer schema id ${schemaId} cannot be read as ${reader.name ?? "the reader schema"}: ${String(error)}`,
          {
            cause: error,
            details: { schemaId },
          },
        );
      }
      byReader.set(reader, resolver);
    }
    return resolver;
  }

  async function decode<T>(bytes: Buffer | null, readerSchema: object): Promise<T> {
    const { schemaId } = readHeader(bytes);
    const body = bytes as Buffer;
    const writer = writers.get(schemaId) ?? (await writerType(schemaId));
    const reader = readerType(readerSchema);
    const resolver = resolverFor(schemaId, writer, reader);
    let result: { value: unknown; offset: number };
    try {
      result =
        resolver === SAME_SCHEMA
          ? reader.decode(body, WIRE_HEADER_BYTES)
          : reader.decode(body, WIRE_HEADER_BYTES, resolver);
    } catch (error) {
      throw schemaError(
        schemaErrorCodes.decodeFailed,
        `Avro body for schema id ${schemaId} is malformed: ${String(error)}`,
        {
          cause: error,
          details: { schemaId },
        },
      );
    }
    if (result.offset === -1) {
      throw schemaError(
        schemaErrorCodes.truncated,
        `Avro body for schema id ${schemaId} ends early (${body.length} bytes)`,
        {
          details: { schemaId, length: body.length },
        },
      );
    }
    if (result.offset !== body.length) {
      throw schemaError(
        schemaErrorCodes.decodeFailed,
        `Avro body for schema id ${schemaId} has ${body.length - result.offset} trailing bytes`,
        {
          details: { schemaId, length: body.length },
        },
      );
    }
    return result.value as T;
  }

  return {
    register,
    encodeWithId,
    decode,
    async encode(subject, schema, record) {
      return encodeWithId(await register(subject, schema), record);
    },
  };
}

function invalidRecord(type: Type, record: unknown, cause: unknown): FleetlineError {
  const problems: string[] = [];
  type.isValid(record, {
    errorHook: (path: string[], value: unknown) => {
      if (problems.length < 5) problems.push(`${path.join(".") || "(record)"}=${JSON.stringify(value) ?? "undefined"}`);
    },
  });
  const where = problems.length > 0 ? problems.join(", ") : String(cause);
  return schemaError(schemaErrorCodes.invalidRecord, `record does not match ${type.name ?? "the schema"}: ${where}`, {
    cause,
    details: { fields: problems },
  });
}
