/** Both clients may hand back a header as a Buffer, a string or an array of them; the port exposes one Buffer. */
export function normaliseHeaders(headers: Record<string, unknown> | undefined): Record<string, Buffer | undefined> {
  const result: Record<string, Buffer | undefined> = {};
  if (!headers) return result;
  for (const [name, raw] of Object.entries(headers)) {
    const value: unknown = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === null) result[name] = undefined;
    else if (Buffer.isBuffer(value)) result[name] = value;
    else if (typeof value === "string") result[name] = Buffer.from(value);
    else result[name] = Buffer.from(JSON.stringify(value));
  }
  return result;
}
