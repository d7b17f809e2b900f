import type { IncomingMessage } from 'node:http';
import { gatewayHeaders } from '../../src/http/request-headers';

const withRaw = (rawHeaders: string[]): IncomingMessage => ({ rawHeaders }) as unknown as IncomingMessage;

describe('gatewayHeaders', () => {
  it('reads the headers whatever their case', () => {
    for (const [length, key, id] of [
      ['Content-Length', 'Nano-Api-Key', 'Nano-Correlation-Id'],
      ['content-length', 'nano-api-key', 'nano-correlation-id'],
      ['CONTENT-LENGTH', 'NANO-API-KEY', 'NANO-CORRELATION-ID'],
      ['content-Length', 'nAno-Api-kEy', 'Nano-correlation-ID'],
    ]) {
      expect(
        gatewayHeaders(withRaw(['Host', 'x', length, '12', key, 'k1', id, 'c1', 'AUTHORIZATION', 'Bearer b'])),
      ).toEqual({
        contentLength: '12',
        apiKeys: ['k1'],
        authorizations: ['Bearer b'],
        correlationId: 'c1',
      });
    }
  });

  it('reads no header of the same length as one it reads (Content-Type, Cache-Control, lookalikes)', () => {
    expect(
      gatewayHeaders(
        withRaw([
          'Content-Type',
          'application/json',
          'Cache-Control',
          'no-cache',
          'Mano-Api-Key',
          'k',
          'Nano-Api-Keys'.slice(0, 12).replace('y', 'x'),
          'k',
          'Bauthorization'.slice(1).replace('a', 'o'),
          'b',
          'Accept-Charset',
          'utf-8',
          'Nano-Correlation-Ix',
          'c',
        ]),
      ),
    ).toEqual({ contentLength: undefined, apiKeys: undefined, authorizations: undefined, correlationId: undefined });
  });

  it('keeps the first Content-Length, as req.headers does, every credential header, and leaves absent ones undefined', () => {
    expect(
      gatewayHeaders(
        withRaw([
          'content-length',
          '3',
          'Content-Length',
          '9',
          'NANO-API-KEY',
          'a',
          'nano-api-key',
          'b',
          'Authorization',
          'x',
          'authorization',
          'y',
        ]),
      ),
    ).toEqual({
      contentLength: '3',
      apiKeys: ['a', 'b'],
      authorizations: ['x', 'y'],
      correlationId: undefined,
    });
    expect(gatewayHeaders(withRaw(['Content-Type', 'application/json', 'Content-Lengthy', '1']))).toEqual({
      contentLength: undefined,
      apiKeys: undefined,
      authorizations: undefined,
      correlationId: undefined,
    });
  });
});
