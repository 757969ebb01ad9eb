import { describe, expect, it } from "vitest";
import { decideClientId, decidePublish, decideSubscribe, decideWill } from "../../../gateway/core/acl.ts";

const vin = "1HGCM82633A004352";
const other = "5YJ3E1EA7KF317000";

describe("topic ACL", () => {
  it("lets a vehicle publish only its own telemetry (QoS 0/1) and OTA status (QoS 1)", () => {
    // Given a vehicle's identity / When it publishes to its own topics / Then it is allowed
    expect(decidePublish(vin, { topic: `vehicles/${vin}/telemetry`, qos: 1, retain: false })).toEqual({ allowed: true, kind: "telemetry" });
    expect(decidePublish(vin, { topic: `vehicles/${vin}/telemetry`, qos: 0, retain: false })).toEqual({ allowed: true, kind: "telemetry" });
    expect(decidePublish(vin, { topic: `vehicles/${vin}/ota/status`, qos: 1, retain: false })).toEqual({ allowed: true, kind: "otaStatus" });
  });

  it.each([
    [`vehicles/${other}/telemetry`, 1, false, "GW_ACL_OTHER_VIN"],
    [`vehicles/${vin}/ota/commands`, 1, false, "GW_ACL_WRONG_DIRECTION"],
    [`vehicles/+/telemetry`, 1, false, "GW_ACL_WILDCARD"],
    [`vehicles/${vin}/#`, 1, false, "GW_ACL_WILDCARD"],
    [`$SYS/broker/uptime`, 1, false, "GW_ACL_SYS_TOPIC"],
    [`vehicles/${vin}/telemetry`, 1, true, "GW_ACL_RETAIN"],
    [`vehicles/${vin}/telemetry`, 2, false, "GW_ACL_QOS"],
    [`vehicles/${vin}/ota/status`, 0, false, "GW_ACL_QOS"],
    [`vehicles/${vin}/telemetry/extra`, 1, false, "GW_ACL_UNKNOWN_TOPIC"],
    [`vehicles/${vin.toLowerCase()}/telemetry`, 1, false, "GW_ACL_UNKNOWN_TOPIC"],
    [`other/topic`, 1, false, "GW_ACL_UNKNOWN_TOPIC"],
    [``, 1, false, "GW_ACL_UNKNOWN_TOPIC"],
  ])("refuses publishing to %s (qos %i, retain %s) with %s", (topic, qos, retain, reason) => {
    expect(decidePublish(vin, { topic, qos, retain })).toEqual({ allowed: false, reason });
  });

  it("lets a vehicle subscribe only to its own command topic", () => {
    expect(decideSubscribe(vin, `vehicles/${vin}/ota/commands`)).toEqual({ allowed: true });
    expect(decideSubscribe(vin, `vehicles/${other}/ota/commands`)).toEqual({ allowed: false, reason: "GW_ACL_OTHER_VIN" });
    expect(decideSubscribe(vin, `vehicles/+/ota/commands`)).toEqual({ allowed: false, reason: "GW_ACL_WILDCARD" });
    expect(decideSubscribe(vin, `#`)).toEqual({ allowed: false, reason: "GW_ACL_WILDCARD" });
    expect(decideSubscribe(vin, `$SYS/#`)).toEqual({ allowed: false, reason: "GW_ACL_SYS_TOPIC" });
    expect(decideSubscribe(vin, `vehicles/${vin}/telemetry`)).toEqual({ allowed: false, reason: "GW_ACL_WRONG_DIRECTION" });
  });

  it("refuses wills to other topics or retained wills, and accepts none or its own", () => {
    expect(decideWill(vin, undefined)).toEqual({ allowed: true });
    expect(decideWill(vin, { topic: `vehicles/${vin}/ota/status`, qos: 1, retain: false })).toEqual({ allowed: true });
    expect(decideWill(vin, { topic: `vehicles/${other}/telemetry`, qos: 1, retain: false }).allowed).toBe(false);
    expect(decideWill(vin, { topic: `vehicles/${vin}/telemetry`, qos: 1, retain: true }).allowed).toBe(false);
  });

  it("requires the client id to equal the authenticated VIN", () => {
    expect(decideClientId(vin, vin)).toEqual({ allowed: true });
    expect(decideClientId(vin, other)).toEqual({ allowed: false, reason: "GW_ACL_CLIENT_ID" });
    expect(decideClientId(vin, "")).toEqual({ allowed: false, reason: "GW_ACL_CLIENT_ID" });
  });
});
