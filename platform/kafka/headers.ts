/** Both clients may hand back a header as a Buffer, a string or an array of them; the port exposes one Buffer. */
export function normaliseHeaders(headers: Record<string, unknown> | undefined): Record<string, Buffer | undefined> {
  const result: Record<string, Buffer | undefined> = {};
  if (!headers) return result;
  for (const [name, raw] of Object.entries(headers)) {
    const value: unknown = Array.isArray(raw) ? raw[0] : raw;
    result[name] = value === undefined || value === null ? undefined : Buffer.isBuffer(value) ? value : Buffer.from(String(value));
  }
  return result;
}
