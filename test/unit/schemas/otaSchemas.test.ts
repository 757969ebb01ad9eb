import { describe, expect, it } from "vitest";
import {
  otaCampaignEventV1,
  otaCommandV1,
  otaStatusV1,
  type OtaCampaignEventV1,
  type OtaCommandV1,
  type OtaStatusV1,
} from "../../../schemas/catalog.ts";
import { createSerde } from "../../../schemas/serde.ts";
import { createFakeRegistry } from "./fakeRegistry.ts";

const ids = { campaign: "0b6f7a52-1c1e-4a8e-9a57-3d1d2f9b7c10", execution: "9e3c1d4b-7a2f-4f6e-8b1a-2c3d4e5f6a7b" };

const status: OtaStatusV1 = {
  event_id: "c5b2e1f0-1111-4a2b-9c3d-4e5f6a7b8c9d",
  vin: "WDB1240221A123456",
  event_time: 1_760_000_000_000,
  seq: 12,
  received_at: 1_760_000_000_040,
  campaign_id: ids.campaign,
  execution_id: ids.execution,
  state: "DOWNLOADING",
  reason_code: null,
  progress_pct: 42.5,
  attempt: 1,
  firmware_version: "2.4.0",
};

const install: OtaCommandV1 = {
  event_id: "d6c3f2a1-2222-4b3c-8d4e-5f6a7b8c9d0e",
  vin: "WDB1240221A123456",
  event_time: 1_760_000_000_000,
  seq: 3,
  campaign_id: ids.campaign,
  execution_id: ids.execution,
  attempt: 1,
  action: "INSTALL",
  manifest: {
    image_url: "https://updates.example/ecu-main/2.5.0.img",
    image_sha256: "a".repeat(64),
    image_size_bytes: 73_400_320,
    version: "2.5.0",
    hardware_id: "ECU-MAIN-R3",
    expires_at: 1_760_086_400_000,
    release_counter: 17,
    key_id: "3f9a1c0b7d2e4a61",
    signature: Buffer.alloc(64, 7).toString("base64"),
  },
  reason_code: null,
  not_after: null,
};

const campaignEvent: OtaCampaignEventV1 = {
  event_id: "e7d4a3b2-3333-4c4d-9e5f-6a7b8c9d0e1f",
  campaign_id: ids.campaign,
  vin: null,
  event_time: 1_760_000_000_000,
  seq: 5,
  type: "WAVE_COMPLETED",
  execution_id: null,
  wave: 0,
  reason_code: null,
  actor: null,
  progress: { targeted: 100, succeeded: 97, failed: 2, rolled_back: 1, in_progress: 0 },
};

describe("OTA schemas carry their events through the wire format unchanged", () => {
  const cases = [
    { name: "ota status", subject: "ota.status-value", schema: otaStatusV1, record: status as object },
    {
      name: "install command with signed manifest",
      subject: "ota.commands-value",
      schema: otaCommandV1,
      record: install,
    },
    {
      name: "cancel command without manifest",
      subject: "ota.commands-value",
      schema: otaCommandV1,
      record: { ...install, action: "CANCEL", manifest: null },
    },
    { name: "campaign event", subject: "ota.campaign-events-value", schema: otaCampaignEventV1, record: campaignEvent },
  ];
  for (const { name, subject, schema, record } of cases) {
    it(`round-trips a ${name}`, async () => {
      const serde = createSerde({ registryUrl: "http://registry.test", fetch: createFakeRegistry().fetch });
      expect(await serde.decode(await serde.encode(subject, schema, record), schema)).toEqual(record);
    });
  }

  it("refuses a state outside the vehicle state machine", async () => {
    const serde = createSerde({ registryUrl: "http://registry.test", fetch: createFakeRegistry().fetch });
    await expect(serde.encode("ota.status-value", otaStatusV1, { ...status, state: "EXPLODED" })).rejects.toMatchObject(
      {
        code: "SCHEMA_INVALID_RECORD",
      },
    );
  });
});
