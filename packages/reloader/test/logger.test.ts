import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { asciiJsonStringContent, createLogger, jsonLineWriter, lineWriter } from '@nano-access/reloader';

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('createLogger', () => {
  it('writes JSON lines with an ISO time, the name, and the message', () => {
    const out = sink();
    createLogger({ destination: out.stream, pretty: false }).info({ generation: 2 }, 'access policy reloaded');
    const record = JSON.parse(out.text().trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, name: 'nano-access', generation: 2, msg: 'access policy reloaded' });
    expect(String(record.time)).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('stamps each line with the time it was written, to the millisecond (the time text is reused only within one millisecond)', () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream, pretty: false });
    const now = jest.spyOn(Date, 'now');
    try {
      for (const ms of [
        Date.UTC(2026, 11, 6, 3, 0, 0, 1),
        Date.UTC(2026, 11, 6, 3, 0, 0, 1),
        Date.UTC(2026, 11, 6, 3, 0, 0, 2),
      ]) {
        now.mockReturnValue(ms);
        logger.info('tick');
      }
    } finally {
      now.mockRestore();
    }
    const times = out
      .text()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { time: string }).time);
    expect(times).toEqual(['2026-12-06T03:00:00.001Z', '2026-12-06T03:00:00.001Z', '2026-12-06T03:00:00.002Z']);
  });

  it("writes exactly toISOString()'s text for every millisecond, across minutes, days, years and a clock set back", () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream, pretty: false });
    const start = Date.UTC(2026, 11, 31, 23, 58, 59, 998);
    const times = [
      // Every millisecond around a minute, an hour, a day and a year's end, then each second of a minute.
      ...Array.from({ length: 2_005 }, (_, i) => start + 60_000 - 1_000 + i),
      ...Array.from({ length: 61 }, (_, i) => start + i * 1_000),
      // Set back: into the minute before, to the start of the same minute, to the epoch, and forward again.
      start + 30_000,
      start - 1,
      start + 2 - (start % 60_000),
      0,
      1,
      59_999,
      60_000,
      Date.UTC(2000, 1, 29, 12, 0, 0, 7),
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
      Date.UTC(9999, 11, 31, 23, 59, 0, 0),
      Date.UTC(10000, 0, 1),
      Date.UTC(10000, 0, 1, 0, 0, 1, 5),
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      -30,
      Date.UTC(2026, 11, 7, 1, 2, 3, 4),
      Date.UTC(2026, 11, 7, 1, 2, 3, 4),
      Date.UTC(2026, 11, 7, 1, 2, 59, 999),
      Date.UTC(2026, 11, 7, 1, 3, 0, 0),
    ];
    const now = jest.spyOn(Date, 'now');
    try {
      for (const ms of times) {
        now.mockReturnValue(ms);
        logger.info('tick');
      }
    } finally {
      now.mockRestore();
    }
    const written = out
      .text()
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { time: string }).time);
    expect(written).toEqual(times.map((ms) => new Date(ms).toISOString()));
  });

  it('redacts credential-bearing fields', () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream, pretty: false });
    logger.info(
      {
        credentials: 'key-aaaa',
        id: 'key-bbbb',
        user: 'key-cccc',
        apiKey: 'key-dddd',
        request: { credentials: 'key-eeee', headers: { 'nano-api-key': 'key-ffff' } },
      },
      'request',
    );
    logger.info({ headers: { 'nano-api-key': 'key-gggg', authorization: 'Bearer key-hhhh' } }, 'request');
    expect(out.text()).not.toMatch(/key-[a-h]{4}/);
    expect(out.text()).toContain('[redacted]');
  });

  it('takes the level from NANO_ACCESS_LOG_LEVEL, and the option over it', () => {
    const out = sink();
    const fromEnv = createLogger({ destination: out.stream, pretty: false, env: { NANO_ACCESS_LOG_LEVEL: 'warn' } });
    expect(fromEnv.level).toBe('warn');
    fromEnv.info('hidden');
    expect(out.text()).toBe('');
    const fromOption = createLogger({
      destination: out.stream,
      pretty: false,
      level: 'debug',
      env: { NANO_ACCESS_LOG_LEVEL: 'warn' },
    });
    fromOption.debug('shown');
    expect(out.text()).toContain('"msg":"shown"');
  });

  it('falls back to info, with a warning, on an unknown level', () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream, pretty: false, env: { NANO_ACCESS_LOG_LEVEL: 'loud' } });
    expect(logger.level).toBe('info');
    expect(out.text()).toContain('unknown log level');
  });

  it('writes readable lines when asked, not JSON', () => {
    const out = sink();
    createLogger({ destination: out.stream, pretty: true }).warn('access file is missing');
    expect(out.text()).toContain('access file is missing');
    expect(out.text()).toContain('WARN');
    expect(() => JSON.parse(out.text().trim())).toThrow();
  });

  it('chooses JSON or pretty from NANO_ACCESS_LOG_FORMAT', () => {
    const out = sink();
    createLogger({ destination: out.stream, env: { NANO_ACCESS_LOG_FORMAT: 'pretty' } }).info('hello');
    expect(() => JSON.parse(out.text().trim())).toThrow();
    const json = sink();
    createLogger({ destination: json.stream, env: { NANO_ACCESS_LOG_FORMAT: 'json' } }).info('hello');
    expect(JSON.parse(json.text().trim())).toMatchObject({ msg: 'hello' });
  });

  it('writes readable lines by default when the destination is a terminal, JSON when it is not', () => {
    const terminal = sink();
    Object.assign(terminal.stream, { isTTY: true });
    createLogger({ destination: terminal.stream, env: {} }).info('to a person');
    expect(terminal.text()).toContain('to a person');
    expect(() => JSON.parse(terminal.text().trim())).toThrow();
    const pipe = sink();
    createLogger({ destination: pipe.stream, env: {} }).info('to a program');
    expect(JSON.parse(pipe.text().trim())).toMatchObject({ msg: 'to a program' });
  });
});

describe('lineWriter', () => {
  it('writes the line pino would write for the same fields (its level, time, bindings and msg), leaving out undefined fields', () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream, pretty: false });
    const fields = { api: 'v2', status: 200, ms: 0.25, caller: 'user #2 (…6b51)', reason: undefined, ok: true };
    lineWriter(logger)!(fields, 'rpc');
    logger.info({ api: 'v2', status: 200, ms: 0.25, caller: 'user #2 (…6b51)', ok: true }, 'rpc');
    const [ours, pinos] = out
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect({ ...ours, time: 0 }).toEqual({ ...pinos, time: 0 });
    expect(Object.keys(ours)).toEqual(Object.keys(pinos));
    expect(ours).not.toHaveProperty('reason');
  });

  it("is null when the level is off, and keeps a child logger's bindings", () => {
    expect(lineWriter(createLogger({ destination: sink().stream, pretty: false, level: 'warn' }))).toBeNull();
    const out = sink();
    lineWriter(createLogger({ destination: out.stream, pretty: false }).child({ component: 'gateway' }))!({}, 'rpc');
    expect(JSON.parse(out.text())).toMatchObject({ level: 30, name: 'nano-access', component: 'gateway', msg: 'rpc' });
  });
});

describe('asciiJsonStringContent', () => {
  const unit = fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('"', '\\', '\n', '\u0000', '\u001f', '\u007f', '\ud800', '\udfff', '…', '😀', 'é', 'a'),
  );
  const ASCII = /^[\x20-\x7f]*$/;

  it('is ASCII, reads back as the text, and is what JSON.stringify writes between its quotes whenever that is ASCII (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
        const content = asciiJsonStringContent(text);
        expect(content).toMatch(ASCII);
        expect(JSON.parse(`"${content}"`)).toBe(text);
        const stringified = JSON.stringify(text);
        if (ASCII.test(stringified)) expect(`"${content}"`).toBe(stringified);
      }),
      { numRuns: 20_000 },
    );
  });

  it('writes a masked caller with the ellipsis escaped, and plain ASCII as it is', () => {
    expect(asciiJsonStringContent('user #3 (…bc57)')).toBe('user #3 (\\u2026bc57)');
    expect(asciiJsonStringContent('say "hi"\\\t')).toBe('say \\"hi\\"\\\\\\t');
    const plain = 'api_account_balance';
    expect(asciiJsonStringContent(plain)).toBe(plain);
  });
});

describe('jsonLineWriter', () => {
  it("writes lineWriter's line, byte for byte but the time, for the same fields given as JSON text", () => {
    const out = sink();
    const logger = createLogger({ destination: out.stream, pretty: false }).child({ component: 'gateway' });
    const fields = { api: 'v2', status: 200, ms: 0.25, caller: 'user #2 (…6b51)', ok: true };
    jsonLineWriter(logger, 'rpc')!(`,${JSON.stringify(fields).slice(1, -1)}`);
    lineWriter(logger)!(fields, 'rpc');
    jsonLineWriter(logger, 'quoted "msg"')!('');
    const [ours, theirs, empty] = out
      .text()
      .trim()
      .split('\n')
      .map((line) => line.replace(/"time":"[^"]*"/, '"time":""'));
    expect(ours).toBe(theirs);
    expect(JSON.parse(ours)).toMatchObject({
      level: 30,
      name: 'nano-access',
      component: 'gateway',
      ...fields,
      msg: 'rpc',
    });
    expect(JSON.parse(empty)).toMatchObject({ level: 30, component: 'gateway', msg: 'quoted "msg"' });
  });

  it('stamps each line with the time it was written, the millisecond changing between lines', () => {
    const out = sink();
    const write = jsonLineWriter(createLogger({ destination: out.stream, pretty: false }), 'rpc')!;
    const times = [
      Date.UTC(2026, 11, 7, 1, 0, 59, 999),
      Date.UTC(2026, 11, 7, 1, 0, 59, 999),
      Date.UTC(2026, 11, 7, 1, 1),
    ];
    const now = jest.spyOn(Date, 'now');
    try {
      for (const [i, ms] of times.entries()) {
        now.mockReturnValue(ms);
        write(`,"i":${i}`);
      }
    } finally {
      now.mockRestore();
    }
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { time: string; i: number });
    expect(lines.map(({ time, i }) => [time, i])).toEqual(times.map((ms, i) => [new Date(ms).toISOString(), i]));
  });

  it('writes a whole line for a logger without a time field', () => {
    const out = sink();
    jsonLineWriter(pino({ timestamp: false }, out.stream), 'rpc')!(',"api":"v2"');
    expect(JSON.parse(out.text())).toEqual({
      level: 30,
      pid: process.pid,
      hostname: expect.any(String),
      api: 'v2',
      msg: 'rpc',
    });
  });

  it("is null when the level is off; a logger that is not pino's own gets the fields as an object", () => {
    expect(
      jsonLineWriter(createLogger({ destination: sink().stream, pretty: false, level: 'warn' }), 'rpc'),
    ).toBeNull();
    const info = jest.fn();
    const logger = { isLevelEnabled: () => true, info } as unknown as pino.Logger;
    jsonLineWriter(logger, 'rpc')!(',"api":"v2","status":200');
    expect(info).toHaveBeenCalledWith({ api: 'v2', status: 200 }, 'rpc');
  });
});
