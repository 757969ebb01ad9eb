import type { KafkaAdmin } from "../../platform/kafka/port.ts";
import type { ReadinessCheck } from "../../platform/opsServer.ts";

/** Polls the cluster's broker list; `/readyz` reports not ready while Kafka does not answer. */
export function kafkaHealthProbe(
  admin: Pick<KafkaAdmin, "brokerIds">,
  options: { intervalMs: number; timeoutMs: number; onChange?: (ready: boolean, reason?: string) => void },
) {
  let state: { ready: boolean; reason?: string } = { ready: false, reason: "not probed yet" };
  let stopped = false;
  const probe = async () => {
    let timer: NodeJS.Timeout | undefined;
    let next: { ready: boolean; reason?: string };
    try {
      const ids = await Promise.race([
        admin.brokerIds(),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
        }),
      ]);
      next = ids.length > 0 ? { ready: true } : { ready: false, reason: "no brokers" };
    } catch (error) {
      next = { ready: false, reason: `Kafka unreachable: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timer);
    }
    if (next.ready !== state.ready) options.onChange?.(next.ready, next.reason);
    state = next;
    if (!stopped) setTimeout(() => void probe(), options.intervalMs).unref();
  };
  void probe();
  const check: ReadinessCheck = () => state;
  return { check, stop: () => void (stopped = true) };
}
