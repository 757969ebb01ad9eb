/**
 * Scans the MQTT byte stream for fixed headers so a packet announcing more than the limit is refused before
 * the parser buffers it (mqtt-packet has no size limit of its own). Pure: feed chunks, get the verdict.
 */
export interface ScanState {
  /** header: expecting a first byte; length: reading the remaining-length varint; body: skipping bytes. */
  readonly phase: "header" | "length" | "body";
  readonly remaining: number;
  readonly multiplier: number;
  readonly lengthBytes: number;
}

export const initialScan: ScanState = { phase: "header", remaining: 0, multiplier: 1, lengthBytes: 0 };

export function scanChunk(start: ScanState, chunk: Uint8Array, maxPacketBytes: number): { state: ScanState; tooLarge: boolean } {
  let { phase, remaining, multiplier, lengthBytes } = start;
  let i = 0;
  while (i < chunk.length) {
    if (phase === "header") {
      phase = "length";
      remaining = 0;
      multiplier = 1;
      lengthBytes = 0;
      i++;
    } else if (phase === "length") {
      const byte = chunk[i++] ?? 0;
      remaining += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      lengthBytes++;
      if (lengthBytes > 4) return { state: start, tooLarge: true };
      if ((byte & 0x80) === 0) {
        if (1 + lengthBytes + remaining > maxPacketBytes) return { state: start, tooLarge: true };
        phase = remaining === 0 ? "header" : "body";
      }
    } else {
      const skip = Math.min(remaining, chunk.length - i);
      remaining -= skip;
      i += skip;
      if (remaining === 0) phase = "header";
    }
  }
  return { state: { phase, remaining, multiplier, lengthBytes }, tooLarge: false };
}
