import { FleetlineError } from "../errors.ts";
import type { KafkaAdmin } from "../kafka/port.ts";
import { requiredRetentionMs, topicCatalog, topicCreation, type TopicSpec } from "./catalog.ts";
import { verifyTopic, type TopicProblem } from "./verify.ts";

export interface TopicCheck {
  readonly name: string;
  readonly spec: TopicSpec;
}

/** Reads the live state of the named topics and verifies each; never changes anything. */
export async function inspectTopics(admin: KafkaAdmin, checks: readonly TopicCheck[], maxConsumerDowntimeHours: number): Promise<TopicProblem[]> {
  const existing = await listTopicsSettled(admin, checks.map((check) => check.name));
  const present = checks.filter((check) => existing.has(check.name)).map((check) => check.name);
  const [metadata, configs] = present.length ? await Promise.all([admin.describeTopics(present), admin.describeTopicConfigs(present)]) : [[], {}];
  return checks.flatMap((check) =>
    verifyTopic(
      { name: check.name, partitions: check.spec.partitions, retentionMs: requiredRetentionMs(check.spec, maxConsumerDowntimeHours) },
      { metadata: metadata.find((topic) => topic.name === check.name), configs: configs[check.name] },
    ),
  );
}

/**
 * Start-up guard: refuses (TOPIC_CONFIG_DANGEROUS) when a topic the service needs is missing or weaker than
 * the durability floor; returns the warnings otherwise.
 */
export async function assertTopicsSafe(admin: KafkaAdmin, names: readonly string[], maxConsumerDowntimeHours: number): Promise<TopicProblem[]> {
  const checks = names.map((name) => ({ name, spec: specFor(name) }));
  const problems = await inspectTopics(admin, checks, maxConsumerDowntimeHours);
  const dangerous = problems.filter((problem) => problem.dangerous);
  if (dangerous.length > 0) {
    throw new FleetlineError("TOPIC_CONFIG_DANGEROUS", `refusing to start: unsafe Kafka topic configuration:\n  ${dangerous.map((problem) => `${problem.code}: ${problem.message}`).join("\n  ")}`, {
      details: { problems: dangerous },
    });
  }
  return problems;
}

/** Creates the catalogue's missing topics; existing topics are verified, never altered or deleted. */
export async function provisionTopics(
  admin: KafkaAdmin,
  maxConsumerDowntimeHours: number,
  specs: readonly TopicSpec[] = topicCatalog,
): Promise<{ created: string[]; problems: TopicProblem[] }> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((spec) => !existing.has(spec.name));
  if (missing.length) await admin.createTopics(missing.map((spec) => topicCreation(spec, maxConsumerDowntimeHours)));
  const problems = await inspectTopics(admin, specs.map((spec) => ({ name: spec.name, spec })), maxConsumerDowntimeHours);
  return { created: missing.map((spec) => spec.name), problems };
}

/** A topic's spec by name; a test copy (`<catalogue name>.<suffix>`) takes the spec of the longest matching name. */
export function specFor(name: string): TopicSpec {
  const spec = topicCatalog
    .filter((candidate) => name === candidate.name || name.startsWith(`${candidate.name}.`))
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!spec) throw new FleetlineError("TOPIC_UNKNOWN", `topic ${name} is not in the catalogue`);
  return spec;
}

/** Topic metadata spreads across brokers eventually: a topic counts as missing only if it stays missing ~3 s. */
async function listTopicsSettled(admin: KafkaAdmin, wanted: readonly string[]): Promise<Set<string>> {
  let existing = new Set<string>();
  for (let attempt = 0; attempt < 10; attempt++) {
    existing = new Set(await admin.listTopics());
    if (wanted.every((name) => existing.has(name))) break;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return existing;
}
