import mqtt, { type MqttClient } from "mqtt";
import { backoffDelayMs } from "../../platform/retry.ts";
import { BoundedBuffer } from "../core/boundedBuffer.ts";
import { reconnectPolicy } from "../core/misbehaviour.ts";
import type { Random } from "../core/rng.ts";
import type { SimulationCounters } from "../core/stats.ts";
import { auditableEventId, telemetryTopic } from "../core/telemetry.ts";
import type { OutboundMessage, VehicleSimulator } from "../core/vehicleSimulator.ts";
import type { AckTracker } from "./ackTracker.ts";
import { openFileStore, type FileOutgoingStore } from "./fileStore.ts";
import { StoreAwareMessageIds } from "./messageIds.ts";

export interface VehicleConnectionOptions {
  readonly mqttUrl: string;
  readonly simulator: VehicleSimulator;
  /** MQTT password; the username is the VIN. Absent: connect anonymously. */
  readonly secret?: string;
  readonly storeDir: string;
  readonly bufferCapacity: number;
  readonly maxInflight: number;
  readonly counters: SimulationCounters;
  readonly tracker: AckTracker;
  /** Jitter for reconnect backoff (seeded per vehicle). */
  readonly random: Random;
  /** Simulation clock (same as the simulator's) and a monotonic clock for latencies. */
  readonly clock: () => number;
  readonly monotonic: () => number;
  readonly connectTimeoutMs?: number;
}

/**
 * One vehicle on the wire: its own mqtt.js client (MQTT 3.1.1, client id = VIN, persistent session, QoS1) with a
 * file-backed outgoing store, a bounded local buffer for when it cannot send, simulated outages, and reconnects
 * with jittered exponential backoff.
 */
export class VehicleConnection {
  readonly vin: string;
  private readonly store: FileOutgoingStore;
  private readonly buffer: BoundedBuffer<OutboundMessage>;
  private readonly client: MqttClient;
  private inflight = 0;
  private attempt = 0;
  private everConnected = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: VehicleConnectionOptions) {
    this.vin = options.simulator.vin;
    this.buffer = new BoundedBuffer(options.bufferCapacity);
    this.store = openFileStore(options.storeDir, this.vin);
    options.counters.recoveredFromStore += this.store.recoveredCount;
    this.store.onRecoveredAcked = (packet) => {
      options.counters.recoveredAcked += 1;
      options.counters.acked += 1;
      const payload = packet.cmd === "publish" ? packet.payload : "";
      options.tracker.recordAck(auditableEventId(typeof payload === "string" ? payload : Buffer.from(payload)), undefined);
      this.notifyIfIdle();
    };
    this.client = mqtt.connect(options.mqttUrl, {
      protocolVersion: 4,
      clientId: this.vin,
      clean: false,
      reconnectPeriod: 0, // reconnects are ours: jittered exponential backoff
      connectTimeout: options.connectTimeoutMs ?? 10_000,
      outgoingStore: this.store,
      messageIdProvider: new StoreAwareMessageIds((id) => this.store.has(id)),
      ...(options.secret === undefined ? {} : { username: this.vin, password: options.secret }),
    });
    this.client.on("connect", () => this.onConnect());
    this.client.on("close", () => this.onClose());
    this.client.on("error", () => undefined); // a failed attempt is followed by "close", which schedules the retry
  }

  get connected(): boolean {
    return this.client.connected;
  }
  get buffered(): number {
    return this.buffer.size;
  }
  get inFlight(): number {
    return this.inflight;
  }
  /** Messages not yet acknowledged: in flight plus those a previous run left in the store. */
  get unacknowledged(): number {
    return Math.max(this.inflight, this.store.size);
  }

  /** Generates the vehicle's next message(s) and sends what it can. */
  tick(): void {
    if (this.stopped) return;
    this.enqueue(this.options.simulator.produce());
    if (!this.options.simulator.isOnline() && this.client.connected) this.client.stream.destroy(); // network drops
    this.pump();
  }

  /** Stops generating and waits (bounded) until everything buffered is acknowledged; then disconnects. */
  async stop(drainTimeoutMs: number): Promise<void> {
    this.enqueue(this.options.simulator.flush());
    this.stopped = true;
    this.pump();
    if (!this.idle()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainTimeoutMs);
        this.idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.closeNow();
  }

  /** Disconnects at once, leaving unacknowledged messages in the store (a crash, as far as the broker knows). */
  closeNow(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    if (!this.client.disconnecting) this.client.end(true);
    for (const waiter of this.idleWaiters.splice(0)) waiter(); // ends a drain in progress
  }

  private enqueue(messages: OutboundMessage[]): void {
    for (const message of messages) if (this.buffer.push(message) !== undefined) this.options.counters.droppedFromBuffer += 1;
  }

  private pump(): void {
    while (this.client.connected && this.inflight < this.options.maxInflight && this.buffer.size > 0) {
      if (this.options.clock() < this.options.simulator.offlineUntil()) return;
      const message = this.buffer.shift();
      if (message) this.publish(message);
    }
  }

  private publish(message: OutboundMessage): void {
    const { counters, tracker, monotonic } = this.options;
    const sentAt = monotonic();
    this.inflight += 1;
    counters.published += 1;
    if (message.duplicate) counters.duplicatesSent += 1;
    if (message.malformed) counters.malformedSent += 1;
    this.client.publish(telemetryTopic(this.vin), message.body, { qos: 1 }, (error) => {
      this.inflight -= 1;
      if (error?.message === "Connection closed") {
        // mqtt.js queued this publish behind its store replay and never stored it: keep it in our buffer instead.
        counters.published -= 1;
        if (message.duplicate) counters.duplicatesSent -= 1;
        if (message.malformed) counters.malformedSent -= 1;
        this.buffer.unshift(message);
      } else if (error) counters.failed += 1;
      else {
        counters.acked += 1;
        tracker.recordAck(message.eventId, monotonic() - sentAt);
      }
      this.pump();
      this.notifyIfIdle();
    });
  }

  private onConnect(): void {
    if (this.everConnected) this.options.counters.reconnects += 1;
    this.everConnected = true;
    this.attempt = 0;
    this.pump();
  }

  private onClose(): void {
    if (this.stopped && this.idle()) return;
    if (this.reconnectTimer !== undefined || this.client.disconnecting) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.attempt += 1;
    const delay = backoffDelayMs(reconnectPolicy, this.attempt, this.options.random);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.options.counters.reconnectAttempts += 1;
      if (this.client.disconnecting || this.client.connected) return;
      // Still inside a simulated outage: this attempt fails like a real one would, and backs off further.
      if (this.options.clock() < this.options.simulator.offlineUntil()) return this.scheduleReconnect();
      this.client.reconnect({ outgoingStore: this.store, incomingStore: this.client.incomingStore });
    }, delay);
  }

  private idle(): boolean {
    return this.buffer.size === 0 && this.inflight === 0 && this.store.size === 0;
  }

  private notifyIfIdle(): void {
    if (!this.stopped || !this.idle()) return;
    for (const waiter of this.idleWaiters.splice(0)) waiter();
  }
}
