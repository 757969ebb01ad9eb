import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectVehicle, immediateSink, publishQos1, startGateway, telemetry, vins, type RunningGateway } from "./harness.ts";

const run = promisify(execFile);
const dir = mkdtempSync(path.join(tmpdir(), "gw-tls-"));
const file = (name: string) => path.join(dir, name);
const pem = (name: string) => readFileSync(file(name));
const [vinA, vinB] = vins;
let running: RunningGateway | undefined;

/** A key and a certificate for `cn`, signed by the test CA (with the given extensions). */
async function issue(name: string, cn: string, extensions: string): Promise<void> {
  await run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file(`${name}.key`), "-out", file(`${name}.csr`), "-subj", `/CN=${cn}`]);
  writeFileSync(file(`${name}.ext`), extensions);
  await run("openssl", ["x509", "-req", "-in", file(`${name}.csr`), "-CA", file("ca.crt"), "-CAkey", file("ca.key"), "-CAcreateserial", "-days", "1", "-out", file(`${name}.crt`), "-extfile", file(`${name}.ext`)]);
}

beforeAll(async () => {
  // A throwaway CA, a server certificate for 127.0.0.1 and two vehicle certificates (CN = VIN), made now with openssl
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.crt"), "-days", "1", "-subj", "/CN=fleetline-test-ca"]);
  await issue("server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  await issue("vehicleA", vinA, "extendedKeyUsage=clientAuth\n");
  await issue("vehicleB", vinB, "extendedKeyUsage=clientAuth\n");
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("MQTT over TLS", () => {
  it("accepts a vehicle with a password over TLS, the server certificate verified against the CA", async () => {
    // Given a TLS listener (server certificate only) and a vehicle with a password
    const { sink, produced } = immediateSink();
    running = await startGateway({ sink, secrets: new Map([[vinA, "pw"]]), tls: { cert: pem("server.crt"), key: pem("server.key") } });
    // When the vehicle connects with mqtts, verifying the server, and publishes QoS 1
    const client = await connectVehicle(running.port, vinA, "pw", { protocol: "mqtts", ca: pem("ca.crt"), rejectUnauthorized: true });
    await publishQos1(client, `vehicles/${vinA}/telemetry`, JSON.stringify(telemetry(vinA, 1)));
    await client.endAsync();
    // Then the record reached the sink keyed by its VIN
    expect(produced.map((record) => record.key)).toEqual([vinA]);
  });

  it("in client-certificate mode, takes the VIN from the certificate's CN and refuses a certificate naming another VIN", async () => {
    // Given a TLS listener that requires client certificates from the test CA (no passwords known at all)
    const { sink, produced } = immediateSink();
    running = await startGateway({ sink, secrets: new Map(), tls: { cert: pem("server.crt"), key: pem("server.key"), ca: pem("ca.crt"), requestCert: true } });
    const tlsFor = (name: string) => ({ protocol: "mqtts" as const, ca: pem("ca.crt"), cert: pem(`${name}.crt`), key: pem(`${name}.key`), rejectUnauthorized: true, password: undefined, username: undefined });
    // When vehicle A presents its own certificate / Then it is connected and its publish is PUBACKed
    const client = await connectVehicle(running.port, vinA, "", tlsFor("vehicleA"));
    await publishQos1(client, `vehicles/${vinA}/telemetry`, JSON.stringify(telemetry(vinA, 1)));
    await client.endAsync();
    expect(produced.map((record) => record.key)).toEqual([vinA]);
    // When a client claims to be A with B's (valid) certificate / Then CONNACK 2 (identifier rejected)
    await expect(connectVehicle(running.port, vinA, "", tlsFor("vehicleB"))).rejects.toMatchObject({ code: 2 });
    // When a client presents no certificate at all / Then the TLS handshake fails
    await expect(connectVehicle(running.port, vinA, "", { protocol: "mqtts", ca: pem("ca.crt"), rejectUnauthorized: true, connectTimeout: 3_000 })).rejects.toBeDefined();
    expect(produced).toHaveLength(1);
  });
});
