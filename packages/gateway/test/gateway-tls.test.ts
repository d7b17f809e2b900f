import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { GatewayErrorCode, loadRpcConfig } from '@nano-access/gateway';
import { call, postJson } from './helpers/http-client';
import { ledgerRepresentative, startInProcess } from './helpers/in-process';

describe('HTTPS ([tls])', () => {
  let dir: string;
  let cert: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'na-gw-tls-'));
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
          ],
        },
      ],
    });
    cert = pems.cert;
    writeFileSync(join(dir, 'cert.pem'), pems.cert);
    writeFileSync(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
    writeFileSync(join(dir, 'config-rpc.toml'), 'port = 0\n[tls]\nenable = true\ncert = "cert.pem"\nkey = "key.pem"\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the API over TLS with a self-signed certificate from config-rpc.toml', async () => {
    const { config, diagnostics } = loadRpcConfig(dir);
    expect(diagnostics).toEqual([]);
    const gw = await startInProcess({ config: config! });
    try {
      expect(gw.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      const rep = ledgerRepresentative();
      const answer = await call(gw.url, {
        path: '/api/v2/AccountWeight',
        body: JSON.stringify({ account: rep.account }),
        ca: cert,
      });
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        message_type: 'AccountWeightResponse',
        message: { voting_weight: rep.weight },
      });
      // Plain HTTP on the TLS port gets no answer.
      await expect(postJson(gw.url.replace('https:', 'http:'), '/api/v2/IsAlive', {})).rejects.toThrow();
      // An untrusting client refuses the self-signed certificate.
      await expect(call(gw.url, { path: '/api/v2/IsAlive' })).rejects.toThrow(/self[- ]signed/i);
    } finally {
      await gw.close();
    }
  });

  it('refuses to start with a certificate that cannot be read', async () => {
    const { config } = loadRpcConfig(dir);
    const broken = { ...config!, tls: { ...config!.tls, cert: join(dir, 'missing.pem') } };
    await expect(startInProcess({ config: broken })).rejects.toMatchObject({ code: GatewayErrorCode.tlsUnusable });
  });
});
