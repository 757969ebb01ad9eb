import { createHash } from "node:crypto";

/**
 * Pure: the identity of a schema text: its JSON with object keys sorted and no whitespace. Docs and defaults
 * stay (a default changes resolution), so two texts get the same id exactly when they mean the same schema
 * whatever their formatting or key order.
 */
export function canonicalSchema(text: string): string {
  return JSON.stringify(sortKeys(JSON.parse(text) as unknown));
}

export function schemaFingerprint(canonical: string): string {
  return createHash("sha256").update(canonical).digest("hex");
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeys(inner)]));
  }
  return value;
}
