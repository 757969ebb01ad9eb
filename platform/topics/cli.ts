import { parseArgs } from "node:util";
import { commonConfigSchema, loadConfigOrExit } from "../config.ts";
import { isFleetlineError } from "../errors.ts";
import { createKafkaClient } from "../kafka/client.ts";
import { provisionTopics } from "./provision.ts";
import { topicCatalog } from "./catalog.ts";

const usage = `Usage: npm run topics:provision [-- --check]

Creates every topic of the catalogue that is missing (RF 3, min.insync.replicas 2, retention derived from
MAX_CONSUMER_DOWNTIME_HOURS) and verifies the ones that exist. Never alters or deletes a topic.
  --check   only verify; exit 1 when a topic is missing or unsafe`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) return void console.log(usage);
  const config = loadConfigOrExit(commonConfigSchema);
  const admin = await createKafkaClient({ brokers: config.KAFKA_BROKERS, clientId: "fleetline-topics", kind: config.KAFKA_CLIENT }).admin();
  try {
    const { created, problems } = values.check
      ? { created: [], problems: await (await import("./provision.ts")).inspectTopics(admin, topicCatalog.map((spec) => ({ name: spec.name, spec })), config.MAX_CONSUMER_DOWNTIME_HOURS) }
      : await provisionTopics(admin, config.MAX_CONSUMER_DOWNTIME_HOURS);
    for (const name of created) console.log(`created ${name}`);
    for (const problem of problems) console.log(`${problem.dangerous ? "UNSAFE" : "warning"} ${problem.code}: ${problem.message}`);
    if (problems.some((problem) => problem.dangerous)) process.exitCode = 1;
    else console.log(`${topicCatalog.length} topics verified.`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(isFleetlineError(error) ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
});
