import { defaultRpcConfig, parseRpcConfig } from '@nano-access/gateway';

describe('config-rpc.toml [websocket]', () => {
  const parse = (text: string) => parseRpcConfig(text, { file: '/data/config-rpc.toml', baseDir: '/data' });

  it('is on by default, with bounded sockets, messages, buffers and credentials time', () => {
    expect(defaultRpcConfig().websocket).toEqual({
      enable: true,
      maxSockets: 1024,
      maxMessageBytes: 65536,
      maxBufferedBytes: 4 * 1024 * 1024,
      maxTotalBufferedBytes: 64 * 1024 * 1024,
      allowedOrigins: [],
      credentialsTimeout: 10,
      upstreamCredentialsFile: '',
    });
  });

  it('reads every key; a relative credentials file resolves against the data directory', () => {
    const { config, diagnostics } = parse(
      '[websocket]\nenable = false\nmax_sockets = 10\nmax_message_bytes = 2048\nmax_buffered_bytes = 65536\n' +
        'max_total_buffered_bytes = 131072\nallowed_origins = ["https://Wallet.example", "http://127.0.0.1:8080"]\n' +
        'credentials_timeout = 2.5\nupstream_credentials_file = "keys/gateway"\n',
    );
    expect(diagnostics).toEqual([]);
    expect(config?.websocket).toEqual({
      enable: false,
      maxSockets: 10,
      maxMessageBytes: 2048,
      maxBufferedBytes: 65536,
      maxTotalBufferedBytes: 131072,
      allowedOrigins: ['https://wallet.example', 'http://127.0.0.1:8080'],
      credentialsTimeout: 2.5,
      upstreamCredentialsFile: '/data/keys/gateway',
    });
  });

  it('refuses an unknown key and a value out of range, with line and column', () => {
    const unknown = parse('[websocket]\nmax_socket = 10\n');
    expect(unknown.config).toBeNull();
    expect(unknown.diagnostics[0]).toMatchObject({ severity: 'error', span: { start: { line: 2 } } });
    const zero = parse('[websocket]\nmax_sockets = 0\n');
    expect(zero.config).toBeNull();
    expect(zero.diagnostics[0]).toMatchObject({ severity: 'error', span: { start: { line: 2 } } });
  });

  it('refuses an allowed origin that is not "*" or scheme://host[:port], at its line and column', () => {
    const { config, diagnostics } = parse(
      '[websocket]\nallowed_origins = [\n  "https://ok.example",\n  "https://wallet.example/",\n  "null",\n  "wallet.example",\n]\n',
    );
    expect(config).toBeNull();
    expect(diagnostics.map((d) => [d.messageId, d.span.start.line, d.span.start.column])).toEqual([
      ['invalidOrigin', 4, 3],
      ['invalidOrigin', 5, 3],
      ['invalidOrigin', 6, 3],
    ]);
    expect(parse('[websocket]\nallowed_origins = ["*"]\n').config?.websocket.allowedOrigins).toEqual(['*']);
  });

  it("refuses a total buffer budget below one socket's", () => {
    const { config, diagnostics } = parse('[websocket]\nmax_buffered_bytes = 65536\nmax_total_buffered_bytes = 4096\n');
    expect(config).toBeNull();
    expect(diagnostics[0]).toMatchObject({
      messageId: 'totalBufferUnderSocketBuffer',
      span: { start: { line: 3, column: 1 } },
    });
  });
});
