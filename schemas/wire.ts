import { schemaError, schemaErrorCodes } from "./errors.ts";

/** Confluent wire format: magic byte 0x00, schema id as 4-byte big-endian unsigned int, then the Avro body. */
export const WIRE_MAGIC = 0;
export const WIRE_HEADER_BYTES = 5;

/** Pure: prefixes an Avro body with the wire header. */
export function frame(schemaId: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(WIRE_HEADER_BYTES + body.length);
  out[0] = WIRE_MAGIC;
  out.writeUInt32BE(schemaId, 1);
  body.copy(out, WIRE_HEADER_BYTES);
  return out;
}

/** Pure: reads the wire header; the body starts at WIRE_HEADER_BYTES. Throws typed errors, never a RangeError. */
export function readHeader(bytes: Buffer | null | undefined): { schemaId: number } {
  if (bytes === null || bytes === undefined || bytes.length === 0) {
    throw schemaError(schemaErrorCodes.empty, "record value is empty (null or zero bytes): not Confluent wire format");
  }
  if (bytes[0] !== WIRE_MAGIC) {
    throw schemaError(
      schemaErrorCodes.badMagic,
      `unknown magic byte 0x${bytes[0]?.toString(16).padStart(2, "0")} (expected 0x00)`,
      {
        details: { magic: bytes[0] },
      },
    );
  }
  if (bytes.length < WIRE_HEADER_BYTES) {
    throw schemaError(
      schemaErrorCodes.truncated,
      `record has ${bytes.length} bytes, shorter than the 5-byte wire header`,
      {
        details: { length: bytes.length },
      },
    );
  }
  return { schemaId: bytes.readUInt32BE(1) };
}
