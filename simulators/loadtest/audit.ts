import { createKafkaClient } from "../../platform/kafka/client.ts";
import { auditStoredEvents, waitForZeroLag, type LossAudit } from "../../stack/lossAudit.ts";

/** After a step: wait (bounded) for the pipeline to reach lag 0, then look up every PUBACKed event_id. */
export async function auditAfterCatchUp(options: {
  brokers: readonly string[];
  groupId: string;
  topic: string;
  databaseUrl: string;
  ackedEventIds: ReadonlySet<string>;
  timeoutMs: number;
}): Promise<LossAudit & { lagAtAudit: number }> {
  const admin = await createKafkaClient({ brokers: options.brokers, clientId: "fleetline-loadtest-audit" }).admin();
  try {
    const lagAtAudit = await waitForZeroLag(admin, options.groupId, options.topic, options.timeoutMs);
    return { ...(await auditStoredEvents(options.databaseUrl, options.ackedEventIds)), lagAtAudit };
  } finally {
    await admin.disconnect();
  }
}
