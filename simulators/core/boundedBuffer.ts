/** A FIFO with a hard capacity: pushing into a full buffer drops the oldest entry, which the caller must count. */
export class BoundedBuffer<T> {
  private items: T[] = [];
  private head = 0;
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError("buffer capacity must be at least 1");
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Appends `item`; returns the entry dropped to make room, if any. */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.size >= this.capacity) {
      evicted = this.shift();
      this.dropped += 1;
    }
    this.items.push(item);
    return evicted;
  }

  /** Puts `item` back at the front (a send that could not start); never evicts. */
  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head];
    this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  drain(): T[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}
