import { describeError } from "../../platform/errors.ts";

/**
 * poison: the record itself is bad and retrying can never help (→ DLQ).
 * missing_partition: the store lacks a partition for the row's day (→ create it, retry).
 * infrastructure: the database or network is unwell (→ pause, retry with backoff, never DLQ).
 */
export type FailureClass = "poison" | "missing_partition" | "infrastructure";

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "ECONNABORTED",
]);
/** Constraint violations that describe the row, not the server (23505 cannot happen under ON CONFLICT DO NOTHING). */
const ROW_CONSTRAINT_CODES = new Set(["23502", "23503", "23514", "23P01"]);
const MISSING_PARTITION = /no partition of relation .* found for row/i;

/** Pure: decides what a failure means. Anything unrecognised counts as infrastructure: retried visibly, never dead-lettered. */
export function classifyFailure(error: unknown): FailureClass {
  const { code, message, retriable } = describeError(error);
  // A retriable FleetlineError (e.g. SCHEMA_REGISTRY_UNAVAILABLE) says so itself: the record is not to blame.
  if (retriable) return "infrastructure";
  if (code.startsWith("SCHEMA_") || code === "PIPE_INVALID_RECORD") return "poison";
  if (MISSING_PARTITION.test(message)) return "missing_partition";
  if (/^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith("22") || ROW_CONSTRAINT_CODES.has(code)) return "poison";
    return "infrastructure";
  }
  if (NETWORK_CODES.has(code)) return "infrastructure";
  return "infrastructure";
}

export const isPoison = (error: unknown): boolean => classifyFailure(error) === "poison";
