import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TlsOptions } from "node:tls";

export interface Listener {
  readonly port: number;
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<Listener> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** Plain MQTT over TCP; port 0 picks a free port (tests). */
export function listenTcp(handle: (socket: Socket) => void, host: string, port: number): Promise<Listener> {
  return listen(createServer({ noDelay: true }, handle), host, port);
}

/** MQTT over TLS; with `requestCert` the client certificate must chain to `ca` (its CN is the VIN). */
export function listenTls(handle: (socket: Socket) => void, host: string, port: number, tls: TlsOptions): Promise<Listener> {
  const server = createTlsServer({ ...tls, rejectUnauthorized: tls.requestCert === true }, handle);
  server.on("tlsClientError", () => undefined); // failed handshakes are the client's problem; never crash
  return listen(server, host, port);
}
