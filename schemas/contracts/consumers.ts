import { otaCampaignEventV1, otaCommandV1, otaStatusV1, telemetryV1, telemetryV2 } from "../catalog.ts";

/**
 * Consumer-driven contracts: the reader schema each consumer decodes a subject with. `npm run schemas:check`
 * proves every one of them can read every producer version of its subject. A consumer that upgrades its reader
 * changes its line here; a producer change that breaks a line fails CI.
 */
export interface ConsumerContract {
  readonly consumer: string;
  readonly subject: string;
  readonly readerSchema: object;
}

export const consumerContracts: readonly ConsumerContract[] = [
  { consumer: "pipeline (telemetry store)", subject: "vehicle.telemetry-value", readerSchema: telemetryV2 },
  { consumer: "pipeline replay / dlq tools", subject: "vehicle.telemetry-value", readerSchema: telemetryV2 },
  // A consumer not yet upgraded during a v2 rollout: keeps producers honest about forward compatibility.
  { consumer: "v1 consumer during rollout", subject: "vehicle.telemetry-value", readerSchema: telemetryV1 },
  { consumer: "ota-service (status inbox)", subject: "ota.status-value", readerSchema: otaStatusV1 },
  { consumer: "gateway downlink", subject: "ota.commands-value", readerSchema: otaCommandV1 },
  { consumer: "simulators (vehicle OTA client)", subject: "ota.commands-value", readerSchema: otaCommandV1 },
  {
    consumer: "ota-service (campaign read model)",
    subject: "ota.campaign-events-value",
    readerSchema: otaCampaignEventV1,
  },
];
