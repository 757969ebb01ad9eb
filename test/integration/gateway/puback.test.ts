import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { gatewayMetrics } from "../../../gateway/metrics.ts";
import { connectVehicle, controlledSink, publishQos1, startGateway, telemetry, vins, type RunningGateway } from "./harness.ts";

const vin = vins[0];
const secrets = new Map([[vin, "s3cret"]]);
let running: RunningGateway | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

describe("PUBACK means the sink has it (aedes authorizePublish holds the ack)", () => {
  it("sends no PUBACK until the sink acknowledged, then sends it", async () => {
    // Given a gateway whose sink holds every record until the test releases it
    const control = controlledSink();
    running = await startGateway({ sink: control.sink, secrets });
    const client = await connectVehicle(running.port, vin, "s3cret");
    // When a vehicle publishes QoS 1
    let acked = false;
    const ack = publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(telemetry(vin, 1))).then(() => (acked = true));
    await expect.poll(() => control.pending.length).toBe(1);
    await sleep(300);
    // Then no PUBACK has arrived while the sink has not acknowledged
    expect(acked).toBe(false);
    expect(control.pending[0]).toMatchObject({ topic: "vehicle.telemetry", key: vin });
    expect(control.pending[0]?.headers).toMatchObject({ schema: "vehicle.telemetry-value:v2" });
    // When the sink acknowledges / Then the PUBACK arrives
    control.acknowledgeAll();
    await ack;
    expect(acked).toBe(true);
    client.end(true);
  });

  it("disconnects without PUBACK when the sink fails, and the vehicle's resend after reconnecting is stored", async () => {
    // Given a vehicle that keeps unacknowledged messages and reconnects
    const control = controlledSink();
    running = await startGateway({ sink: control.sink, secrets });
    const client = await connectVehicle(running.port, vin, "s3cret", { reconnectPeriod: 100 });
    const event = telemetry(vin, 2);
    let acked = false;
    const ack = publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(event)).then(() => (acked = true));
    await expect.poll(() => control.pending.length).toBe(1);
    // When the sink fails
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    control.failAll();
    // Then the connection is closed with no PUBACK
    await closed;
    expect(acked).toBe(false);
    // And after reconnecting the vehicle resends the same event, which is PUBACKed once stored
    await expect.poll(() => control.pending.length, { timeout: 10_000 }).toBe(1);
    expect((JSON.parse(control.pending[0]!.value.toString()) as { event_id: string }).event_id).toBe(event.event_id);
    control.acknowledgeAll();
    await ack;
    expect(control.produced).toHaveLength(1);
    client.end(true);
  });

  it("times out a sink that never answers: no PUBACK, disconnect", async () => {
    const control = controlledSink();
    running = await startGateway({ sink: control.sink, secrets, produceTimeoutMs: 300 });
    const client = await connectVehicle(running.port, vin, "s3cret");
    const before = (await gatewayMetrics.produceFailures.get()).values.find((value) => value.labels.code === "GW_PRODUCE_TIMEOUT")?.value ?? 0;
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    let acked = false;
    void publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(telemetry(vin, 3))).then(() => (acked = true), () => undefined);
    await closed;
    expect(acked).toBe(false);
    const after = (await gatewayMetrics.produceFailures.get()).values.find((value) => value.labels.code === "GW_PRODUCE_TIMEOUT")?.value ?? 0;
    expect(after).toBe(before + 1);
    client.end(true);
  });

  it("releases PUBACKs in PUBLISH order even when the sink acknowledges out of order", async () => {
    // Given three messages waiting in the sink
    const control = controlledSink();
    running = await startGateway({ sink: control.sink, secrets });
    const client = await connectVehicle(running.port, vin, "s3cret");
    const order: number[] = [];
    const acks = [1, 2, 3].map((seq) => publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(telemetry(vin, seq))).then(() => order.push(seq)));
    await expect.poll(() => control.pending.length).toBe(3);
    // When the sink acknowledges the last one first
    control.pending.splice(2, 1)[0]!.resolve();
    await sleep(200);
    // Then nothing is PUBACKed ahead of the first
    expect(order).toEqual([]);
    control.acknowledgeAll();
    await Promise.all(acks);
    expect(order).toEqual([1, 2, 3]);
    client.end(true);
  });

  it("never lets one client have more than its cap of messages waiting for the sink", async () => {
    // Given a cap of 5 and a vehicle that fires 60 messages at once
    const control = controlledSink();
    running = await startGateway({ sink: control.sink, secrets, limits: { perClientInflight: 5 } });
    const client = await connectVehicle(running.port, vin, "s3cret");
    const acks = Array.from({ length: 60 }, (_, seq) => publishQos1(client, `vehicles/${vin}/telemetry`, JSON.stringify(telemetry(vin, seq))));
    // When the sink releases in rounds / Then at most 5 are ever with the sink, and all 60 end up acknowledged
    let maxSeen = 0;
    while (control.produced.length < 60) {
      await expect.poll(() => control.pending.length).toBeGreaterThan(0);
      await sleep(20);
      maxSeen = Math.max(maxSeen, control.pending.length);
      control.acknowledgeAll();
    }
    await Promise.all(acks);
    expect(maxSeen).toBeLessThanOrEqual(5);
    client.end(true);
  });
});
