import { parseVehicleTopic } from "./topics.ts";

/** Why a request was refused; stable codes for metrics and logs. */
export type AclReason =
  | "GW_ACL_WILDCARD"
  | "GW_ACL_SYS_TOPIC"
  | "GW_ACL_UNKNOWN_TOPIC"
  | "GW_ACL_OTHER_VIN"
  | "GW_ACL_WRONG_DIRECTION"
  | "GW_ACL_RETAIN"
  | "GW_ACL_QOS"
  | "GW_ACL_CLIENT_ID";

export type PublishDecision =
  | { readonly allowed: true; readonly kind: "telemetry" | "otaStatus" }
  | { readonly allowed: false; readonly reason: AclReason };

export type Decision = { readonly allowed: true } | { readonly allowed: false; readonly reason: AclReason };

export interface PublishRequest {
  readonly topic: string;
  readonly qos: number;
  readonly retain: boolean;
}

const hasWildcard = (topic: string): boolean => topic.includes("+") || topic.includes("#");
const isSys = (topic: string): boolean => topic.startsWith("$");

/** A vehicle may publish only to its own telemetry (QoS 0/1) and OTA status (QoS 1) topics, never retained. */
export function decidePublish(vin: string, request: PublishRequest): PublishDecision {
  if (isSys(request.topic)) return { allowed: false, reason: "GW_ACL_SYS_TOPIC" };
  if (hasWildcard(request.topic)) return { allowed: false, reason: "GW_ACL_WILDCARD" };
  if (request.retain) return { allowed: false, reason: "GW_ACL_RETAIN" };
  const topic = parseVehicleTopic(request.topic);
  if (!topic) return { allowed: false, reason: "GW_ACL_UNKNOWN_TOPIC" };
  if (topic.vin !== vin) return { allowed: false, reason: "GW_ACL_OTHER_VIN" };
  if (topic.kind === "otaCommands") return { allowed: false, reason: "GW_ACL_WRONG_DIRECTION" };
  // QoS 2 would need a second handshake we do not tie to Kafka; OTA status must be acknowledged.
  if (request.qos > 1 || (topic.kind === "otaStatus" && request.qos !== 1)) return { allowed: false, reason: "GW_ACL_QOS" };
  return { allowed: true, kind: topic.kind };
}

/** A vehicle may subscribe only to its own command topic. */
export function decideSubscribe(vin: string, topicFilter: string): Decision {
  if (isSys(topicFilter)) return { allowed: false, reason: "GW_ACL_SYS_TOPIC" };
  if (hasWildcard(topicFilter)) return { allowed: false, reason: "GW_ACL_WILDCARD" };
  const topic = parseVehicleTopic(topicFilter);
  if (!topic) return { allowed: false, reason: "GW_ACL_UNKNOWN_TOPIC" };
  if (topic.vin !== vin) return { allowed: false, reason: "GW_ACL_OTHER_VIN" };
  if (topic.kind !== "otaCommands") return { allowed: false, reason: "GW_ACL_WRONG_DIRECTION" };
  return { allowed: true };
}

/** A will (if any) must target one of the vehicle's own publish topics and must not be retained. */
export function decideWill(vin: string, will: PublishRequest | null | undefined): Decision {
  if (!will) return { allowed: true };
  const decision = decidePublish(vin, will);
  return decision.allowed ? { allowed: true } : decision;
}

/** The MQTT client id must equal the authenticated VIN, so one vehicle holds one session. */
export function decideClientId(vin: string, clientId: string): Decision {
  return clientId === vin ? { allowed: true } : { allowed: false, reason: "GW_ACL_CLIENT_ID" };
}
