import { describeError } from "../../platform/errors.ts";
import { createKafkaClient } from "../../platform/kafka/client.ts";
import { loadPipelineConfigOrExit } from "../config.ts";
import { describeDlqRecord, matchesFilter, parseDlqArgs, dlqUsage } from "./dlqArgs.ts";
import { readDlq, redrive } from "./dlqRun.ts";

// npm run dlq -- list|show <offset>|redrive [--code C] [--vin V] [--offsets …] [--dry-run]
const config = loadPipelineConfigOrExit();
let command;
try {
  command = parseDlqArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${describeError(error).message}\n`);
  process.exit(64);
}
const kafka = createKafkaClient({
  brokers: config.KAFKA_BROKERS,
  clientId: "fleetline-dlq",
  kind: config.KAFKA_CLIENT,
});
const groupId = `fleetline-dlq-tool-${Date.now()}`;
try {
  const records = await readDlq(kafka, config.PIPELINE_DLQ_TOPIC, groupId);
  switch (command.kind) {
    case "list": {
      const shown = records.filter((record) => matchesFilter(record, command.filter));
      for (const record of shown) process.stdout.write(`${describeDlqRecord(record)}\n`);
      const byCode = new Map<string, number>();
      for (const record of shown) {
        const code = record.headers["dlq.error.code"]?.toString() ?? "?";
        byCode.set(code, (byCode.get(code) ?? 0) + 1);
      }
      process.stdout.write(
        `${shown.length} record(s) in ${config.PIPELINE_DLQ_TOPIC}${byCode.size ? `: ${[...byCode].map(([c, n]) => `${c}×${n}`).join(", ")}` : ""}\n`,
      );
      break;
    }
    case "show": {
      const record = records.find((entry) => entry.partition === command.partition && entry.offset === command.offset);
      if (!record) {
        process.stderr.write(
          `no record at ${command.partition}:${command.offset} in ${config.PIPELINE_DLQ_TOPIC}\n${dlqUsage}\n`,
        );
        process.exitCode = 1;
        break;
      }
      const headers = Object.fromEntries(
        Object.entries(record.headers).map(([name, value]) => [name, value?.toString()]),
      );
      process.stdout.write(
        `${JSON.stringify({ partition: record.partition, offset: record.offset, timestamp: new Date(Number(record.timestamp)).toISOString(), key: record.key?.toString() ?? null, headers, valueBase64: record.value?.toString("base64") ?? null, valueBytes: record.value?.length ?? 0 }, null, 2)}\n`,
      );
      break;
    }
    case "redrive": {
      const sent = await redrive(kafka, records, command.filter, { dryRun: command.dryRun });
      process.stdout.write(
        `${command.dryRun ? "would redrive" : "redrove"} ${sent.length} record(s) to their source topics\n`,
      );
      break;
    }
  }
} catch (error) {
  process.stderr.write(`dlq ${command.kind} failed: ${describeError(error).code} ${describeError(error).message}\n`);
  process.exitCode = 1;
}
