/** One combined broker+controller node of the local KRaft cluster. */
export interface KafkaNodeSpec {
  readonly id: number;
  readonly brokerPort: number;
  readonly controllerPort: number;
}

/** Pure: the server.properties of one node. Durability settings follow DESIGN.md (RF 3, min ISR 2, …). */
export function renderNodeProperties(node: KafkaNodeSpec, allNodes: readonly KafkaNodeSpec[], logDir: string): string {
  const voters = allNodes.map((peer) => `${peer.id}@127.0.0.1:${peer.controllerPort}`).join(",");
  const settings: Record<string, string | number | boolean> = {
    "process.roles": "broker,controller",
    "node.id": node.id,
    "controller.quorum.voters": voters,
    listeners: `PLAINTEXT://127.0.0.1:${node.brokerPort},CONTROLLER://127.0.0.1:${node.controllerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "log.dirs": logDir,
    "num.partitions": 6,
    "default.replication.factor": 3,
    "min.insync.replicas": 2,
    "unclean.leader.election.enable": false,
    "auto.create.topics.enable": false,
    "offsets.topic.replication.factor": 3,
    "offsets.topic.num.partitions": 12,
    "transaction.state.log.replication.factor": 3,
    "transaction.state.log.min.isr": 2,
    "share.coordinator.state.topic.replication.factor": 3,
    "share.coordinator.state.topic.min.isr": 2,
    "group.initial.rebalance.delay.ms": 0,
    "num.network.threads": 2,
    "num.io.threads": 4,
    "log.retention.hours": 168,
    // Small segments keep a developer's disk use low; production values come from the topic catalogue.
    "log.segment.bytes": 64 * 1024 * 1024,
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join("\n")}\n`;
}

/** log4j2 config: INFO to stdout (redirected to the node's log file) so readiness can be read from the log. */
export const log4jProperties = `status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.clients.name = org.apache.kafka.clients
logger.clients.level = WARN
`;
