import type { IncomingMessage } from 'node:http';
import { gatewayHeaders } from '../../src/http/request-headers';

const withRaw = (rawHeaders: string[]): IncomingMessage => ({ rawHeaders }) as unknown as IncomingMessage;

describe('gatewayHeaders', () => {
  it('reads the three headers whatever their case', () => {
    for (const [length, key, id] of [
      ['Content-Length', 'Nano-Api-Key', 'Nano-Correlation-Id'],
      ['content-length', 'nano-api-key', 'nano-correlation-id'],
      ['CONTENT-LENGTH', 'NANO-API-KEY', 'NANO-CORRELATION-ID'],
      ['content-Length', 'nAno-Api-kEy', 'Nano-correlation-ID'],
    ]) {
      expect(gatewayHeaders(withRaw(['Host', 'x', length, '12', key, 'k1', id, 'c1']))).toEqual({ contentLength: '12', apiKey: 'k1', correlationId: 'c1' });
    }
  });

  it('keeps the first occurrence, as req.headers does, and leaves absent ones undefined', () => {
    expect(gatewayHeaders(withRaw(['content-length', '3', 'Content-Length', '9', 'NANO-API-KEY', 'a', 'nano-api-key', 'b']))).toEqual({
      contentLength: '3',
      apiKey: 'a',
      correlationId: undefined,
    });
    expect(gatewayHeaders(withRaw(['Content-Type', 'application/json', 'Content-Lengthy', '1']))).toEqual({
      contentLength: undefined,
      apiKey: undefined,
      correlationId: undefined,
    });
  });
});
