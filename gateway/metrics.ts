import { Counter, Gauge, Histogram } from "prom-client";
import { metricsRegistry } from "../platform/metrics.ts";

const registers = [metricsRegistry];
const latencyBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Every gateway metric, registered once per process (several gateways in one test process share them). */
export const gatewayMetrics = {
  connectedVehicles: new Gauge({ name: "fleetline_gateway_connected_vehicles", help: "Authenticated MQTT connections", registers }),
  messagesIn: new Counter({ name: "fleetline_gateway_messages_in_total", help: "PUBLISH packets accepted by the ACL, by topic kind and QoS", labelNames: ["topic", "qos"] as const, registers }),
  pubackLatency: new Histogram({ name: "fleetline_gateway_puback_latency_seconds", help: "Time from PUBLISH read to PUBACK release (includes Kafka ack)", buckets: latencyBuckets, registers }),
  produceLatency: new Histogram({ name: "fleetline_gateway_kafka_produce_latency_seconds", help: "Kafka produce until delivery report, by topic", labelNames: ["topic"] as const, buckets: latencyBuckets, registers }),
  produceFailures: new Counter({ name: "fleetline_gateway_kafka_produce_failures_total", help: "Produce failures or timeouts (client disconnected, no PUBACK)", labelNames: ["topic", "code"] as const, registers }),
  inflightMessages: new Gauge({ name: "fleetline_gateway_inflight_messages", help: "Messages read but not yet acknowledged by Kafka", registers }),
  inflightBytes: new Gauge({ name: "fleetline_gateway_inflight_bytes", help: "Payload bytes read but not yet acknowledged by Kafka", registers }),
  overloadLevel: new Gauge({ name: "fleetline_gateway_overload_level", help: "0 normal, 1 soft (shed QoS0), 2 high (refuse connections), 3 hard (reading paused)", registers }),
  shed: new Counter({ name: "fleetline_gateway_shed_total", help: "QoS 0 messages dropped on purpose, by reason", labelNames: ["reason"] as const, registers }),
  refused: new Counter({ name: "fleetline_gateway_refused_connections_total", help: "Connections refused before authentication, by reason", labelNames: ["reason"] as const, registers }),
  pausedClients: new Gauge({ name: "fleetline_gateway_paused_clients", help: "Clients whose socket reading is paused (backpressure)", registers }),
  pauses: new Counter({ name: "fleetline_gateway_pauses_total", help: "Socket pauses, by cause", labelNames: ["cause"] as const, registers }),
  dlqRecords: new Counter({ name: "fleetline_gateway_dlq_records_total", help: "Invalid payloads written to the DLQ, by error code", labelNames: ["code"] as const, registers }),
  authFailures: new Counter({ name: "fleetline_gateway_auth_failures_total", help: "Refused logins, by reason", labelNames: ["reason"] as const, registers }),
  aclDenials: new Counter({ name: "fleetline_gateway_acl_denials_total", help: "Refused publish/subscribe requests, by action and reason", labelNames: ["action", "reason"] as const, registers }),
  oversizePackets: new Counter({ name: "fleetline_gateway_oversize_packets_total", help: "Connections closed for announcing a packet above MAX_PACKET_BYTES", registers }),
  downlink: new Counter({ name: "fleetline_gateway_downlink_deliveries_total", help: "OTA commands handed to aedes for vehicles, by outcome", labelNames: ["outcome"] as const, registers }),
};

export type GatewayMetrics = typeof gatewayMetrics;
