import type { IClientOptions } from "mqtt";

type IMessageIdProvider = NonNullable<IClientOptions["messageIdProvider"]>;

/**
 * Allocates MQTT packet ids that are not held by any packet still in the persistent store. mqtt.js's default
 * provider starts at a random id in each process and would overwrite a message a previous run left unacknowledged.
 */
export class StoreAwareMessageIds implements IMessageIdProvider {
  private next = 1;
  private last: number | null = null;

  constructor(private readonly inUse: (messageId: number) => boolean) {}

  allocate(): number | null {
    for (let tries = 0; tries < 65_535; tries++) {
      const id = this.next;
      this.next = id === 65_535 ? 1 : id + 1;
      if (!this.inUse(id)) return (this.last = id);
    }
    return null; // all ids in flight: mqtt.js queues the publish until one is acknowledged
  }

  getLastAllocated(): number | null {
    return this.last;
  }

  register(): boolean {
    return true;
  }

  deallocate(): void {}

  clear(): void {}
}
