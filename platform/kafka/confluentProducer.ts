import confluent, { type DeliveryReport as RdDeliveryReport, type LibrdKafkaError, type MessageHeader } from "@confluentinc/kafka-javascript";
import { produceFailed } from "./errors.ts";
import type { DeliveryReport, KafkaProducer, OutgoingRecord, ProducerOptions } from "./port.ts";

/** One `send` call: resolves when every record's delivery report arrived, rejects on the first failure. */
interface PendingSend {
  remaining: number;
  readonly firstOffsets: Map<number, string>;
  readonly resolve: (reports: DeliveryReport[]) => void;
  readonly reject: (error: unknown) => void;
  settled: boolean;
}

const QUEUE_FULL = -184; // RD_KAFKA_RESP_ERR__QUEUE_FULL

/**
 * The Confluent producer on librdkafka's native API rather than its KafkaJS-compatible wrapper: the wrapper's
 * per-message promises and background-poll dispatch cost ~4× in throughput (bench: 14k vs 54k records/s on the
 * same cluster). Semantics are the port's: idempotent, acks=all, `send` resolves only on delivery reports.
 */
export async function confluentProducer(brokers: readonly string[], clientId: string, options: ProducerOptions): Promise<KafkaProducer> {
  const producer = new confluent.Producer({
    "bootstrap.servers": brokers.join(","),
    "client.id": clientId,
    "enable.idempotence": true,
    acks: -1,
    "linger.ms": options.lingerMs ?? 5,
    "batch.size": options.batchSizeBytes ?? 1_000_000,
    "compression.codec": options.compression ?? "none",
    "message.timeout.ms": options.deliveryTimeoutMs ?? 30_000,
    // murmur2_random = the Java client's default partitioner for keyed records.
    partitioner: "murmur2_random",
    // librdkafka leaves Nagle's algorithm on; the Java client sets TCP_NODELAY.
    "socket.nagle.disable": true,
    dr_cb: true,
    log_level: 3,
  });
  await new Promise<void>((resolve, reject) => producer.connect({}, (error) => (error ? reject(toError(error)) : resolve())));
  // Delivery reports are dispatched on this poll; 2 ms bounds the latency it adds.
  producer.setPollInterval(2);
  producer.on("delivery-report", (error: LibrdKafkaError | null | undefined, report: RdDeliveryReport) => {
    const pending = report.opaque as PendingSend | undefined;
    if (!pending || pending.settled) return;
    if (error) {
      pending.settled = true;
      pending.reject(error);
      return;
    }
    if (!pending.firstOffsets.has(report.partition)) pending.firstOffsets.set(report.partition, String(report.offset));
    pending.remaining -= 1;
    if (pending.remaining === 0) {
      pending.settled = true;
      pending.resolve([...pending.firstOffsets].map(([partition, offset]) => ({ topic: report.topic, partition, offset })));
    }
  });

  /** Hands one record to librdkafka; false when its local queue is full (the caller waits and retries). */
  function tryProduce(topic: string, record: OutgoingRecord, pending: PendingSend): boolean {
    const headers: MessageHeader[] | undefined = record.headers ? Object.entries(record.headers).map(([name, value]) => ({ [name]: value })) : undefined;
    try {
      producer.produce(topic, record.partition ?? null, record.value, record.key ?? undefined, Date.now(), pending, headers);
      return true;
    } catch (error) {
      if ((error as { code?: number }).code !== QUEUE_FULL) throw error;
      return false;
    }
  }

  async function produceAll(topic: string, records: readonly OutgoingRecord[], pending: PendingSend): Promise<void> {
    for (const record of records) {
      // Synchronous on the fast path; only a full local queue (backpressure) waits for deliveries to drain it.
      while (!tryProduce(topic, record, pending)) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  return {
    async send(topic, records) {
      if (records.length === 0) return [];
      const delivered = new Promise<DeliveryReport[]>((resolve, reject) => {
        const pending: PendingSend = { remaining: records.length, firstOffsets: new Map(), resolve, reject, settled: false };
        produceAll(topic, records, pending).catch((error: unknown) => {
          pending.settled = true;
          reject(toError(error));
        });
      });
      try {
        return await delivered;
      } catch (error) {
        throw produceFailed(topic, error);
      }
    },
    disconnect: () =>
      new Promise<void>((resolve) => {
        producer.flush(10_000, () => producer.disconnect(() => resolve()));
      }),
  };
}

const toError = (value: unknown): Error => (value instanceof Error ? value : new Error(String((value as { message?: unknown }).message ?? value)));
