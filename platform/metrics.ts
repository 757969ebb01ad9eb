import { Registry, collectDefaultMetrics } from "prom-client";

/** One registry per process; every module registers its metrics here and `/metrics` serves it. */
export const metricsRegistry = new Registry();

let defaultsCollected = false;
export function collectProcessMetrics(service: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metricsRegistry });
}
