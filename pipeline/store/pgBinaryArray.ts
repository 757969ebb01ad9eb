/**
 * Pure: one-dimensional PostgreSQL arrays in the binary wire format (what `array_recv` reads). node-postgres sends
 * a Buffer parameter as binary, so a batch's columns reach `unnest($n::type[])` without text escaping on our side
 * or text parsing on the server's (both showed up in profiles of the insert path).
 */
export type BinaryElement = "text" | "int8" | "float8" | "float4" | "uuid";

const ELEMENT_OID: Record<BinaryElement, number> = { text: 25, int8: 20, float8: 701, float4: 700, uuid: 2950 };
const FIXED_SIZE: Partial<Record<BinaryElement, number>> = { int8: 8, float8: 8, float4: 4, uuid: 16 };
const HEADER_BYTES = 20;
const TWO_32 = 2 ** 32;

/** Encodes `values` (null → SQL NULL) as a binary array of `element`; int8 values must be safe integers. */
export function binaryArray(element: BinaryElement, values: readonly (string | number | null)[]): Buffer {
  const fixed = FIXED_SIZE[element];
  const texts = fixed === undefined ? values.map((value) => (value === null ? null : Buffer.from(String(value)))) : [];
  let size = HEADER_BYTES;
  let hasNull = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) {
      hasNull = 1;
      size += 4;
    } else size += 4 + (fixed ?? (texts[i] as Buffer).length);
  }
  const out = Buffer.allocUnsafe(size);
  out.writeInt32BE(1, 0); // dimensions
  out.writeInt32BE(hasNull, 4);
  out.writeUInt32BE(ELEMENT_OID[element], 8);
  out.writeInt32BE(values.length, 12);
  out.writeInt32BE(1, 16); // lower bound
  let at = HEADER_BYTES;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      at = out.writeInt32BE(-1, at);
      continue;
    }
    switch (element) {
      case "int8": {
        const n = value as number;
        at = out.writeInt32BE(8, at);
        at = out.writeInt32BE(Math.floor(n / TWO_32), at);
        at = out.writeUInt32BE(((n % TWO_32) + TWO_32) % TWO_32, at);
        break;
      }
      case "float8":
        at = out.writeInt32BE(8, at);
        at = out.writeDoubleBE(value as number, at);
        break;
      case "float4":
        at = out.writeInt32BE(4, at);
        at = out.writeFloatBE(value as number, at);
        break;
      case "uuid":
        at = out.writeInt32BE(16, at);
        at += out.write((value as string).replaceAll("-", ""), at, 16, "hex");
        break;
      case "text": {
        const bytes = texts[i] as Buffer;
        at = out.writeInt32BE(bytes.length, at);
        at += bytes.copy(out, at);
        break;
      }
    }
  }
  return out;
}
