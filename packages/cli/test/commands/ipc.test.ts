import * as fs from 'node:fs';
import * as path from 'node:path';
import { startIpcServer, type InProcessIpcServer } from '../helpers/ipc-server';
import { runCli } from '../helpers/run-cli';

const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
const USER = 'user-8e2d4c6a-1f3b-4a5c-9d7e-0b2f4a6c8e1d';

describe('nano-access ipc call', () => {
  let ipc: InProcessIpcServer;
  let dir: string;
  let socket: string;
  let port: string;

  beforeAll(async () => {
    ipc = await startIpcServer(`[[user]]\nid = "${USER}"\ndeny = "api_account_weight"\n`);
    ({ dir, socket } = ipc);
    port = String(ipc.port);
  });
  afterAll(() => ipc.close());

  const weight = JSON.stringify({ message_type: 'AccountWeight', message: { account: ACCOUNT } });

  it('sends an envelope (encoding 4) over TCP and prints the response, exit 0', async () => {
    const run = await runCli(['ipc', 'call', '--host', '127.0.0.1', '--port', port, weight]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      message_type: 'AccountWeightResponse',
      message: { voting_weight: expect.stringMatching(/^\d+$/) },
    });
  });

  it('adds --credentials to the envelope; an Error answer exits 1', async () => {
    const run = await runCli(['ipc', 'call', '--path', socket, '--credentials', USER, weight]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).message).toEqual({ code: 3, message: 'Access denied' });
  });

  it('reads the credentials from --credentials-file or NANO_API_KEY, off the command line', async () => {
    const keyFile = path.join(dir, 'key');
    fs.writeFileSync(keyFile, `${USER}\n`, { mode: 0o600 });
    const fromFile = await runCli(['ipc', 'call', '--path', socket, '--credentials-file', keyFile, weight]);
    expect([fromFile.code, JSON.parse(fromFile.stdout).message]).toEqual([1, { code: 3, message: 'Access denied' }]);
    const fromEnv = await runCli(['ipc', 'call', '--path', socket, weight], { env: { NANO_API_KEY: USER } });
    expect([fromEnv.code, JSON.parse(fromEnv.stdout).message]).toEqual([1, { code: 3, message: 'Access denied' }]);
    // Credentials the JSON gives are not replaced by the environment; an explicit option replaces them.
    const inJson = JSON.stringify({ message_type: 'AccountWeight', credentials: '', message: { account: ACCOUNT } });
    expect((await runCli(['ipc', 'call', '--path', socket, inJson], { env: { NANO_API_KEY: USER } })).code).toBe(0);
    // Legacy encodings carry no credentials: the environment is not sent, a file is a usage error.
    expect(
      (await runCli(['ipc', 'call', '--path', socket, '{"action":"block_count"}'], { env: { NANO_API_KEY: USER } }))
        .code,
    ).toBe(0);
    const legacy = await runCli([
      'ipc',
      'call',
      '-e',
      '1',
      '--path',
      socket,
      '--credentials-file',
      keyFile,
      '{"action":"block_count"}',
    ]);
    expect([legacy.code, legacy.stderr]).toEqual([
      2,
      expect.stringMatching(/--credentials-file needs --encoding 3 or 4/),
    ]);
  });

  it('finds the server from NANO_IPC_PATH', async () => {
    const run = await runCli(['ipc', 'call', '--compact', weight], { env: { NANO_IPC_PATH: socket } });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('sends legacy actions with --encoding 1, and exits 1 on a legacy error', async () => {
    const ok = await runCli(['ipc', 'call', '-e', '1', '--path', socket, '{"action":"block_count"}']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).count).toMatch(/^\d+$/);
    const unsafe = await runCli(['ipc', 'call', '-e', '2', '--path', socket, '{"action":"stop"}']);
    expect(unsafe.code).toBe(1);
    expect(JSON.parse(unsafe.stdout)).toEqual({ error: 'Unsafe RPC not allowed' });
  });

  it('picks encoding 1 for a request with an action when --encoding is absent', async () => {
    const run = await runCli(['ipc', 'call', '--path', socket, '{"action":"block_count"}']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).count).toMatch(/^\d+$/);
  });

  it('with --encoding 3 sends the JSON envelope as flatbuffers and prints the flatbuffers answer as JSON', async () => {
    const ok = await runCli(['ipc', 'call', '-e', '3', '--path', socket, weight]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      message_type: 'AccountWeightResponse',
      message: { voting_weight: expect.stringMatching(/^\d+$/) },
    });
    // The credentials go into the flatbuffers Envelope: this user is denied the message.
    const denied = await runCli(['ipc', 'call', '-e', '3', '--port', port, '--host', '127.0.0.1', weight], {
      env: { NANO_API_KEY: USER },
    });
    expect([denied.code, JSON.parse(denied.stdout).message]).toEqual([
      1,
      { code: 3, category: 0, message: 'Access denied' },
    ]);
    const withId = JSON.stringify({ message_type: 'IsAlive', message: {}, correlation_id: 'c-1' });
    const alive = await runCli(['ipc', 'call', '--encoding', '3', '--path', socket, '--compact', withId]);
    expect(alive.code).toBe(0);
    expect(JSON.parse(alive.stdout)).toMatchObject({ message_type: 'IsAlive', correlation_id: 'c-1' });
  });

  it.each([
    [['-e', '3', '{"message_type":"NoSuchMessage","message":{}}'], /cannot encode it as flatbuffers/],
    [['-e', '3', '{"message_type":"IsAlive"}'], /needs an object "message"/],
    [['-e', '3', '{"message_type":"IsAlive","message":{},"extra":1}'], /has no field "extra"/],
  ])('refuses an envelope that flatbuffers cannot carry (%j) with exit 2, before connecting', async (args, message) => {
    const run = await runCli(['ipc', 'call', '--path', path.join(dir, 'nobody.sock'), ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it.each([
    [['--encoding', '5', '{}'], /--encoding must be 1, 2, 3 or 4/],
    [['{not json'], /the request is not JSON/],
    [['[1]'], /must be a JSON object/],
    [['-e', '1', '--credentials', 'x', '{"action":"version"}'], /--credentials needs --encoding 3 or 4/],
    [['--port', '0', '{}'], /--port must be 1-65535/],
  ])('refuses bad usage %j with exit 2', async (args, message) => {
    const run = await runCli(['ipc', 'call', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('reports an unreachable server with its code, exit 2', async () => {
    const run = await runCli(['ipc', 'call', '--path', path.join(dir, 'nobody.sock'), weight]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('NA_IPC_CONNECT_FAILED');
  });
});
