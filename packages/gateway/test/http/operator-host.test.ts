import { operatorHostAllowed } from '../../src/http/operator-host';

describe('operatorHostAllowed (/metrics and /healthz against DNS rebinding)', () => {
  it('answers IP literals, localhost and listed names, with or without a port', () => {
    for (const host of [
      '127.0.0.1',
      '127.0.0.1:7076',
      '10.0.0.5:7076',
      '[::1]',
      '[::1]:7076',
      'localhost',
      'LOCALHOST:7076',
      'localhost.',
      'node.example.net:7076',
      'Node.Example.Net',
    ]) {
      expect([host, operatorHostAllowed(host, ['node.example.net'])]).toEqual([host, true]);
    }
    expect(operatorHostAllowed(undefined, [])).toBe(true);
  });

  it('refuses any other name, and what is not a host', () => {
    for (const host of [
      'evil.example',
      'evil.example:7076',
      'localhost.evil.example',
      '127.0.0.1.evil.example',
      'node.example.net.evil',
      '',
      ':7076',
      '[::1',
      '[evil]:1',
      '127.0.0.1:port',
      '[::1]x',
    ]) {
      expect([host, operatorHostAllowed(host, ['node.example.net'])]).toEqual([host, false]);
    }
  });
});
