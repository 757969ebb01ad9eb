import { FleetlineError } from "../platform/errors.ts";

/**
 * Codes for everything that can go wrong turning bytes into records and back. Every code but
 * SCHEMA_REGISTRY_UNAVAILABLE is permanent for the record at hand: callers route it to a DLQ, never retry it.
 */
export const schemaErrorCodes = {
  empty: "SCHEMA_EMPTY",
  badMagic: "SCHEMA_BAD_MAGIC",
  unknownId: "SCHEMA_UNKNOWN_ID",
  truncated: "SCHEMA_TRUNCATED",
  decodeFailed: "SCHEMA_DECODE_FAILED",
  incompatible: "SCHEMA_INCOMPATIBLE",
  invalidRecord: "SCHEMA_INVALID_RECORD",
  invalidSchema: "SCHEMA_INVALID",
  registryUnavailable: "SCHEMA_REGISTRY_UNAVAILABLE",
  registryRejected: "SCHEMA_REGISTRY_REJECTED",
} as const;

export type SchemaErrorCode = (typeof schemaErrorCodes)[keyof typeof schemaErrorCodes];

export function schemaError(
  code: SchemaErrorCode,
  message: string,
  options: { cause?: unknown; details?: Record<string, unknown> } = {},
): FleetlineError {
  return new FleetlineError(code, message, { ...options, retriable: code === schemaErrorCodes.registryUnavailable });
}
