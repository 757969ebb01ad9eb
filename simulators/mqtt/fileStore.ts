import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { IStore, Packet, PacketCallback } from "mqtt";
import { FleetlineError } from "../../platform/errors.ts";

/** What the store keeps of an outgoing packet: enough to resend it byte-for-byte. */
interface StoredPacket {
  readonly cmd: "publish" | "pubrel";
  readonly messageId: number;
  readonly topic?: string;
  readonly qos?: 0 | 1 | 2;
  readonly retain?: boolean;
  readonly payload?: string; // base64
}

/**
 * mqtt.js outgoing store backed by an append-only JSON-lines file, one per client: every un-PUBACKed QoS1 packet
 * survives a reconnect and a process restart (written synchronously before mqtt.js sends it). The log is
 * compacted when dead entries dominate. Not fsync'ed: it survives a process crash, not a power cut.
 */
export class FileOutgoingStore implements IStore {
  private readonly packets = new Map<number, StoredPacket>();
  private readonly recovered = new Set<number>();
  private fd: number | undefined;
  private logLines = 0;
  /** Called when a packet left by a previous process is acknowledged (its PUBACK arrived in this one). */
  onRecoveredAcked: ((packet: Packet) => void) | undefined;

  constructor(private readonly path: string) {
    if (existsSync(path)) this.load(readFileSync(path, "utf8"));
    for (const id of this.packets.keys()) this.recovered.add(id);
    this.compact();
  }

  /** Number of packets waiting for acknowledgement. */
  get size(): number {
    return this.packets.size;
  }

  /** Packets found on disk at open time that are still unacknowledged. */
  get recoveredCount(): number {
    return this.recovered.size;
  }

  has(messageId: number): boolean {
    return this.packets.has(messageId);
  }

  /** The packets a previous process left unacknowledged, in send order (for accounting, not for sending). */
  recoveredPackets(): Packet[] {
    return [...this.recovered].flatMap((id) => {
      const stored = this.packets.get(id);
      return stored ? [toPacket(stored)] : [];
    });
  }

  put(packet: Packet, cb: (error?: Error) => void): this {
    const stored = fromPacket(packet);
    if (stored) {
      this.recovered.delete(stored.messageId);
      this.packets.delete(stored.messageId); // re-insert at the end: resend order follows put order
      this.packets.set(stored.messageId, stored);
      this.append({ op: "put", packet: stored });
    }
    cb();
    return this;
  }

  del(packet: Pick<Packet, "messageId">, cb: PacketCallback): this {
    const messageId = packet.messageId ?? -1;
    const stored = this.packets.get(messageId);
    if (!stored) {
      cb(new Error("missing packet"));
      return this;
    }
    this.packets.delete(messageId);
    this.append({ op: "del", messageId });
    const restored = toPacket(stored);
    if (this.recovered.delete(messageId)) this.onRecoveredAcked?.(restored);
    cb(undefined, restored);
    return this;
  }

  get(packet: Pick<Packet, "messageId">, cb: PacketCallback): this {
    const stored = this.packets.get(packet.messageId ?? -1);
    if (stored) cb(undefined, toPacket(stored));
    else cb(new Error("missing packet"));
    return this;
  }

  /** mqtt.js types this as readable-stream's Readable; node's own Readable behaves the same for its use. */
  createStream(): ReturnType<IStore["createStream"]> {
    const snapshot = [...this.packets.values()];
    let index = 0;
    const stream = new Readable({
      objectMode: true,
      read() {
        const next = snapshot[index++];
        this.push(next === undefined ? null : toPacket(next));
      },
    });
    return stream as unknown as ReturnType<IStore["createStream"]>;
  }

  /** Closes the file; the store's content stays on disk for the next process. */
  close(cb: (error?: Error) => void): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    cb();
  }

  private append(entry: object): void {
    if (this.fd === undefined) this.fd = openSync(this.path, "a");
    writeSync(this.fd, `${JSON.stringify(entry)}\n`);
    this.logLines += 1;
    if (this.logLines > 1_000 && this.logLines > 4 * this.packets.size) this.compact();
  }

  private compact(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    const temporary = `${this.path}.tmp`;
    const lines = [...this.packets.values()].map((packet) => `${JSON.stringify({ op: "put", packet })}\n`);
    writeFileSync(temporary, lines.join(""));
    renameSync(temporary, this.path);
    this.fd = openSync(this.path, "a");
    this.logLines = lines.length;
  }

  private load(text: string): void {
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let entry: { op?: string; packet?: StoredPacket; messageId?: number };
      try {
        entry = JSON.parse(line) as typeof entry;
      } catch {
        continue; // a torn last line from a crash mid-write: that packet was never sent
      }
      if (entry.op === "put" && entry.packet) {
        this.packets.delete(entry.packet.messageId);
        this.packets.set(entry.packet.messageId, entry.packet);
      } else if (entry.op === "del" && entry.messageId !== undefined) this.packets.delete(entry.messageId);
    }
  }
}

/** Opens (creating the directory if needed) the store of one client, one file per client id. */
export function openFileStore(directory: string, clientId: string): FileOutgoingStore {
  try {
    mkdirSync(directory, { recursive: true });
    return new FileOutgoingStore(join(directory, `${clientId}.outgoing.jsonl`));
  } catch (error) {
    throw new FleetlineError("SIM_STORE_UNAVAILABLE", `cannot open the outgoing store in ${directory}`, { cause: error });
  }
}

function fromPacket(packet: Packet): StoredPacket | undefined {
  if (packet.cmd === "publish" && packet.messageId !== undefined) {
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : Buffer.from(packet.payload);
    return { cmd: "publish", messageId: packet.messageId, topic: packet.topic, qos: packet.qos, retain: packet.retain, payload: payload.toString("base64") };
  }
  if (packet.cmd === "pubrel" && packet.messageId !== undefined) return { cmd: "pubrel", messageId: packet.messageId };
  return undefined;
}

function toPacket(stored: StoredPacket): Packet {
  if (stored.cmd === "pubrel") return { cmd: "pubrel", messageId: stored.messageId };
  return {
    cmd: "publish",
    messageId: stored.messageId,
    topic: stored.topic ?? "",
    qos: stored.qos ?? 1,
    retain: stored.retain ?? false,
    dup: false,
    payload: Buffer.from(stored.payload ?? "", "base64"),
  };
}
