import type { KafkaProducer } from "../../platform/kafka/port.ts";

/** Where the gateway writes records; resolves only once the record is durably acknowledged. */
export interface RecordSink {
  produce(topic: string, key: string, value: Buffer, headers: Readonly<Record<string, string>>): Promise<void>;
}

/** The production sink: the idempotent, acks=all producer of the Kafka port (send resolves on delivery reports). */
export function kafkaRecordSink(producer: KafkaProducer): RecordSink {
  return {
    async produce(topic, key, value, headers) {
      await producer.send(topic, [{ key, value, headers }]);
    },
  };
}
