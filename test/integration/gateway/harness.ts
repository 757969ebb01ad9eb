import { randomUUID } from "node:crypto";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { createLogger } from "../../../platform/log.ts";
import type { BudgetLimits } from "../../../gateway/core/budget.ts";
import type { PayloadEncoder } from "../../../gateway/kafka/encoder.ts";
import type { RecordSink } from "../../../gateway/kafka/sink.ts";
import { createGateway, type Gateway } from "../../../gateway/mqtt/aedesGateway.ts";
import { createIngest } from "../../../gateway/mqtt/ingest.ts";
import type { TlsOptions } from "node:tls";
import { listenTcp, listenTls, type Listener } from "../../../gateway/mqtt/listeners.ts";

export const defaultLimits: BudgetLimits = { maxMessages: 10_000, maxBytes: 16 * 1024 * 1024, softMark: 0.6, highMark: 0.8, hardMark: 1, perClientInflight: 100 };

/** Readable JSON instead of Avro, for tests that pin gateway behaviour rather than encoding. */
export const jsonEncoder: PayloadEncoder = {
  telemetry: (record) => ({ value: Buffer.from(JSON.stringify(record)), schema: "vehicle.telemetry-value:v2" }),
  otaStatus: (record) => ({ value: Buffer.from(JSON.stringify(record)), schema: "ota.status-value:v1" }),
};

export interface RunningGateway {
  readonly gateway: Gateway;
  readonly port: number;
  close(): Promise<void>;
}

/** A gateway in this process on a free port, with the given sink/encoder and an in-memory credential table. */
export async function startGateway(options: {
  sink: RecordSink;
  encoder?: PayloadEncoder;
  secrets: ReadonlyMap<string, string>;
  limits?: Partial<BudgetLimits>;
  produceTimeoutMs?: number;
  maxPacketBytes?: number;
  maxConnectionsPerSecond?: number;
  failedLoginLimit?: number;
  topics?: { telemetry: string; telemetryDlq: string; otaStatus: string };
  /** Serve MQTT over TLS instead of TCP; with `requestCert` the certificate's CN is the vehicle identity. */
  tls?: TlsOptions;
}): Promise<RunningGateway> {
  const gateway = await createGateway({
    ingest: createIngest({ sink: options.sink, encoder: options.encoder ?? jsonEncoder, now: Date.now, produceTimeoutMs: options.produceTimeoutMs ?? 10_000, topics: options.topics }),
    authenticator: { authenticate: (vin, secret) => Promise.resolve(options.secrets.get(vin) === secret) },
    limits: { ...defaultLimits, ...options.limits },
    maxPacketBytes: options.maxPacketBytes ?? 64 * 1024,
    connectTimeoutMs: 5_000,
    maxConnectionsPerSecond: options.maxConnectionsPerSecond ?? 10_000,
    loginThrottle: { limit: options.failedLoginLimit ?? 1_000, windowMs: 60_000, blockMs: 60_000 },
    clientCertIdentity: options.tls?.requestCert === true,
    now: Date.now,
    logger: createLogger("gateway-test", "silent"),
  });
  const listener: Listener = options.tls
    ? await listenTls(gateway.handleConnection, "127.0.0.1", 0, options.tls)
    : await listenTcp(gateway.handleConnection, "127.0.0.1", 0);
  return {
    gateway,
    port: listener.port,
    async close() {
      await listener.close();
      await gateway.close();
    },
  };
}

export const vins = ["1HGCM82633A004352", "5YJ3E1EA7KF317000", "WVWZZZ1JZXW000001", "JH4KA7561PC008269"] as const;

export function telemetry(vin: string, seq: number, overrides: Record<string, unknown> = {}) {
  return {
    event_id: randomUUID(),
    vin,
    event_time: Date.now(),
    seq,
    latitude: 48.1,
    longitude: 11.5,
    speed_kph: 50,
    heading_deg: 90,
    odometer_km: 1000 + seq,
    battery_soc_pct: 80,
    ...overrides,
  };
}

/** Connects an MQTT 3.1.1 client as `vin` and waits for CONNACK (rejects with the CONNACK error otherwise). */
export function connectVehicle(port: number, vin: string, secret: string, extra: IClientOptions = {}): Promise<MqttClient> {
  const client = mqtt.connect({
    host: "127.0.0.1",
    port,
    protocolVersion: 4,
    clientId: vin,
    username: vin,
    password: secret,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...extra,
  });
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(client));
    client.once("error", (error) => {
      client.end(true);
      reject(error);
    });
  });
}

/** Publishes QoS 1 and resolves when the PUBACK arrives. */
export function publishQos1(client: MqttClient, topic: string, payload: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve())));
}

/** A sink the test controls: each produce waits until the test settles it. */
export function controlledSink() {
  const pending: { topic: string; key: string; value: Buffer; headers: Readonly<Record<string, string>>; resolve: () => void; reject: (error: Error) => void }[] = [];
  const produced: { topic: string; key: string; value: Buffer; headers: Readonly<Record<string, string>> }[] = [];
  const sink: RecordSink = {
    produce: (topic, key, value, headers) =>
      new Promise<void>((resolve, reject) => {
        pending.push({ topic, key, value, headers, resolve: () => (produced.push({ topic, key, value, headers }), resolve()), reject });
      }),
  };
  return {
    sink,
    pending,
    produced,
    acknowledgeAll() {
      for (const entry of pending.splice(0)) entry.resolve();
    },
    failAll(error = new Error("brokers down")) {
      for (const entry of pending.splice(0)) entry.reject(error);
    },
  };
}

/** A sink that acknowledges at once (for tests about everything but Kafka). */
export function immediateSink() {
  const produced: { topic: string; key: string; value: Buffer; headers: Readonly<Record<string, string>> }[] = [];
  const sink: RecordSink = {
    produce: (topic, key, value, headers) => {
      produced.push({ topic, key, value, headers });
      return Promise.resolve();
    },
  };
  return { sink, produced };
}
