import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectVehicle, immediateSink, publishQos1, startGateway, telemetry, vins, type RunningGateway } from "./harness.ts";

const [vin, other] = vins;
const secrets = new Map([[vin, "right"], [other, "other"]]);
const store = immediateSink();
let running: RunningGateway;

beforeAll(async () => {
  running = await startGateway({ sink: store.sink, secrets, maxPacketBytes: 4096 });
});
afterAll(async () => {
  await running.close();
});

const connackCode = (error: unknown) => (error as { code?: number }).code;

describe("ACL matrix over real MQTT", () => {
  it("refuses a wrong password (4), an unknown vehicle (4) and a client id that is not the VIN (2)", async () => {
    await expect(connectVehicle(running.port, vin, "wrong")).rejects.toSatisfy((error) => connackCode(error) === 4);
    await expect(connectVehicle(running.port, "WVWZZZ1JZXW999999", "x")).rejects.toSatisfy((error) => connackCode(error) === 4);
    await expect(connectVehicle(running.port, vin, "right", { clientId: other })).rejects.toSatisfy((error) => connackCode(error) === 2);
  });

  it("refuses a will addressed to another vehicle", async () => {
    await expect(
      connectVehicle(running.port, vin, "right", { will: { topic: `vehicles/${other}/telemetry`, payload: Buffer.from("x"), qos: 1, retain: false } }),
    ).rejects.toBeDefined();
  });

  it.each([
    ["another vehicle's telemetry", `vehicles/${other}/telemetry`, false],
    ["its own command topic", `vehicles/${vin}/ota/commands`, false],
    ["$SYS", "$SYS/broker/x", false],
    ["an unknown topic", "anything/else", false],
    ["its own telemetry, retained", `vehicles/${vin}/telemetry`, true],
  ])("disconnects a vehicle publishing to %s, and stores nothing", async (_name, topic, retain) => {
    // Given a connected vehicle
    const client = await connectVehicle(running.port, vin, "right");
    const before = store.produced.length;
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    // When it publishes where it must not / Then it is disconnected without PUBACK and nothing reaches the sink
    client.publish(topic, JSON.stringify(telemetry(vin, 1)), { qos: 1, retain });
    await closed;
    expect(store.produced.length).toBe(before);
    client.end(true);
  });

  it("grants only its own command topic on subscribe (0x80 for wildcards, $SYS and other VINs)", async () => {
    const client = await connectVehicle(running.port, vin, "right");
    const filters = [`vehicles/${vin}/ota/commands`, `vehicles/${other}/ota/commands`, "vehicles/+/ota/commands", "#", "$SYS/#"];
    // One SUBSCRIBE per filter: mqtt.js turns a 0x80 return code into an error
    const granted: number[] = [];
    for (const filter of filters) {
      granted.push(await new Promise<number>((resolve) => client.subscribe(filter, { qos: 1 }, (error, grants) => resolve(error ? 128 : (grants?.[0]?.qos ?? -1)))));
    }
    expect(granted).toEqual([1, 128, 128, 128, 128]);
    client.end(true);
  });

  it("delivers a downlink command only to the addressed vehicle", async () => {
    const mine = await connectVehicle(running.port, vin, "right");
    const theirs = await connectVehicle(running.port, other, "other");
    await mine.subscribeAsync(`vehicles/${vin}/ota/commands`, { qos: 1 });
    await theirs.subscribeAsync(`vehicles/${other}/ota/commands`, { qos: 1 });
    const received: string[] = [];
    mine.on("message", (topic) => received.push(`mine:${topic}`));
    theirs.on("message", (topic) => received.push(`theirs:${topic}`));
    await running.gateway.publishCommand(vin, Buffer.from('{"action":"INSTALL"}'));
    await expect.poll(() => received).toEqual([`mine:vehicles/${vin}/ota/commands`]);
    mine.end(true);
    theirs.end(true);
  });

  it("closes a connection announcing a packet above MAX_PACKET_BYTES, and other vehicles keep flowing", async () => {
    const big = await connectVehicle(running.port, vin, "right");
    const closed = new Promise<void>((resolve) => big.once("close", () => resolve()));
    big.publish(`vehicles/${vin}/telemetry`, Buffer.alloc(10_000, 32), { qos: 1 });
    await closed;
    big.end(true);
    const fine = await connectVehicle(running.port, other, "other");
    await publishQos1(fine, `vehicles/${other}/telemetry`, JSON.stringify(telemetry(other, 1)));
    fine.end(true);
  });
});
