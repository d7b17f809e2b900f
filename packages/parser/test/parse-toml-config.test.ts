import { ParserError } from '../src/errors';
import { parseTomlConfig } from '../src/parse-toml-config';
import { where } from './helpers';

const schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  properties: {
    node: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ipc: {
          type: 'object',
          additionalProperties: false,
          properties: {
            tcp: {
              type: 'object',
              additionalProperties: false,
              properties: {
                enable: { type: 'boolean', default: false },
                port: { type: 'integer', minimum: 1, maximum: 65535, default: 7077 },
                address: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

describe('parseTomlConfig', () => {
  it('returns the value with schema defaults filled in', () => {
    const result = parseTomlConfig('[node.ipc.tcp]\nenable = true\n', { file: 'config-node.toml', schema });
    expect(result.diagnostics).toEqual([]);
    expect(result.value).toEqual({ node: { ipc: { tcp: { enable: true, port: 7077 } } } });
  });

  it('reports an unknown key at the key, with did-you-mean, and returns no value', () => {
    const result = parseTomlConfig('[node.ipc.tcp]\nprot = 7078\n', { file: 'config-node.toml', schema });
    expect(result.value).toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(where(d)).toEqual(['unknown-key', 'error', 2, 1, 2, 5]);
    expect(d.message).toBe('Unknown key "prot" in [node.ipc.tcp]. Did you mean "port"?');
    expect(d.file).toBe('config-node.toml');
  });

  it('reports a wrong type at the value', () => {
    const result = parseTomlConfig('[node.ipc.tcp]\nport = "7077"\n', { file: 'config-node.toml', schema });
    expect(result.diagnostics.map(where)).toEqual([['invalid-type', 'error', 2, 8, 2, 14]]);
    expect(result.diagnostics[0].message).toBe('"port" must be an integer, not a string.');
  });

  it("reports a value out of range as invalid-type with ajv's reason", () => {
    const result = parseTomlConfig('[node.ipc.tcp]\nport = 70000\n', { file: 'c.toml', schema });
    expect(result.diagnostics.map(where)).toEqual([['invalid-type', 'error', 2, 8, 2, 13]]);
    expect(result.diagnostics[0].message).toBe('"port" must be <= 65535.');
  });

  it('reports every problem at once, in order', () => {
    const text = 'colour = 1\n[node.ipc.tcp]\nenable = "yes"\nport = 1.5\n';
    const result = parseTomlConfig(text, { file: 'c.toml', schema });
    expect(result.diagnostics.map((d) => [d.ruleId, d.span.start.line])).toEqual([
      ['unknown-key', 1],
      ['invalid-type', 3],
      ['invalid-type', 4],
    ]);
  });

  it('reports invalid TOML as a fatal toml-syntax diagnostic', () => {
    const result = parseTomlConfig('[node\n', { file: 'c.toml', schema });
    expect(result.value).toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ ruleId: 'toml-syntax', fatal: true });
    expect(result.locate('/node')).toEqual(result.locate([]));
  });

  it('refuses TOML 1.1-only forms as the node (TOML 1.0) would, at their place', () => {
    for (const [text, column] of [
      ['node = { ipc = { tcp = { port = 7077, } } }\n', 37],
      ['[node.ipc.tcp]\naddress = "\\x31.1.1.1"\n', 12],
    ] as const) {
      const result = parseTomlConfig(text, { file: 'c.toml', schema });
      expect(result.value).toBeNull();
      expect(result.diagnostics.map((d) => [d.ruleId, d.messageId, d.fatal, d.span.start.column])).toEqual([
        ['toml-syntax', 'tomlVersion', true, column],
      ]);
    }
  });

  it('locates keys and values for diagnostics the caller makes', () => {
    const text = '[node.ipc.tcp]\naddress = "::1"\n';
    const result = parseTomlConfig(text, { file: 'c.toml', schema });
    const value = result.locate(['node', 'ipc', 'tcp', 'address']);
    expect([value.start.line, value.start.column, value.end.column]).toEqual([2, 11, 16]);
    const key = result.locate('/node/ipc/tcp/address', 'key');
    expect([key.start.line, key.start.column, key.end.column]).toEqual([2, 1, 8]);
    const missing = result.locate('/node/ipc/tcp/port');
    expect(text.slice(missing.start.offset, missing.end.offset)).toBe('[node.ipc.tcp]');
  });

  it('understands 2020-12 schemas too', () => {
    const modern = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      unevaluatedProperties: false,
      properties: { a: { type: 'string' } },
    };
    const result = parseTomlConfig('a = "x"\nb = 1\n', { file: 'c.toml', schema: modern });
    expect(result.diagnostics.map(where)).toEqual([['unknown-key', 'error', 2, 1, 2, 2]]);
  });

  it('accepts editor-only keywords in a schema', () => {
    const withTaplo = {
      type: 'object',
      'x-taplo': { initKeys: ['a'] },
      properties: { a: { type: 'string', markdownDescription: '**a**' } },
    };
    expect(parseTomlConfig('a = "x"\n', { file: 'c.toml', schema: withTaplo }).diagnostics).toEqual([]);
  });

  it('throws NA_PARSER_SCHEMA_INVALID for a schema that does not compile (a programmer error)', () => {
    const broken = { type: 'object', properties: { a: { type: 'no-such-type' } } };
    expect(() => parseTomlConfig('a = 1\n', { file: 'c.toml', schema: broken })).toThrow(ParserError);
    expect(() => parseTomlConfig('a = 1\n', { file: 'c.toml', schema: broken })).toThrow(
      expect.objectContaining({ name: 'ParserError', code: 'NA_PARSER_SCHEMA_INVALID' }),
    );
  });
});
