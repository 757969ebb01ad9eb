import { describeError } from "../platform/errors.ts";
import type { Logger } from "../platform/log.ts";
import type { KafkaConsumer } from "../platform/kafka/port.ts";
import { isVin } from "./core/vin.ts";
import { gatewayMetrics as metrics } from "./metrics.ts";

export interface DownlinkOptions {
  readonly consumer: KafkaConsumer;
  readonly topic: string;
  /** Turns a Kafka record value into the JSON bytes a vehicle receives. */
  readonly render: (value: Buffer) => Promise<Buffer>;
  /** Resolves once aedes has taken the QoS 1 publish (delivered, or queued for an offline persistent session). */
  readonly publish: (vin: string, payload: Buffer) => Promise<void>;
  readonly logger: Logger;
}

/**
 * ota.commands → vehicles/{vin}/ota/commands. The offset is committed only after every command of the batch
 * was handed to aedes, so a gateway crash re-delivers (the vehicle dedupes by event_id). A record that cannot
 * be rendered is skipped with a metric and a log line: it can never succeed and must not block the partition.
 */
export async function runDownlink(options: DownlinkOptions): Promise<void> {
  await options.consumer.subscribe([options.topic]);
  await options.consumer.run(async (batch, context) => {
    for (const record of batch.records) {
      if (context.isStale()) return;
      const vin = record.key?.toString("utf8") ?? "";
      if (!isVin(vin) || !record.value) {
        metrics.downlink.inc({ outcome: "invalid" });
        options.logger.error({ code: "GW_DOWNLINK_INVALID", partition: record.partition, offset: record.offset }, "OTA command without a VIN key or value; skipped");
        continue;
      }
      let payload: Buffer;
      try {
        payload = await options.render(record.value);
      } catch (error) {
        metrics.downlink.inc({ outcome: "undecodable" });
        options.logger.error({ ...describeError(error), partition: record.partition, offset: record.offset, vin }, "OTA command could not be decoded; skipped");
        continue;
      }
      await options.publish(vin, payload);
      metrics.downlink.inc({ outcome: "handed_to_broker" });
    }
    const last = batch.records.at(-1);
    if (last && !context.isStale())
      await options.consumer.commit([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(last.offset) + 1n).toString() }]);
  });
}
