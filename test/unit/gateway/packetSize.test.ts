import * as fc from "fast-check";
import mqttPacket from "mqtt-packet";
import { describe, expect, it } from "vitest";
import { initialScan, scanChunk } from "../../../gateway/core/packetSize.ts";

const publish = (payloadBytes: number): Buffer =>
  mqttPacket.generate({ cmd: "publish", topic: "vehicles/x/telemetry", payload: Buffer.alloc(payloadBytes), qos: 1, messageId: 1, retain: false, dup: false });

describe("packet size guard", () => {
  it("passes packets under the limit however the stream is split into chunks", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 900 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 64 }), (sizes, chunk) => {
        // Given a stream of packets under 1 KiB / When fed in arbitrary chunks / Then none is flagged
        const stream = Buffer.concat(sizes.map(publish));
        let state = initialScan;
        for (let i = 0; i < stream.length; i += chunk) {
          const result = scanChunk(state, stream.subarray(i, i + chunk), 1024);
          expect(result.tooLarge).toBe(false);
          state = result.state;
        }
        expect(state.phase).toBe("header");
      }),
    );
  });

  it("flags a packet announcing more than the limit from its header alone", () => {
    const big = publish(5000);
    expect(scanChunk(initialScan, big.subarray(0, 4), 1024).tooLarge).toBe(true);
    expect(scanChunk(initialScan, Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), 1 << 30).tooLarge).toBe(true);
  });
});
