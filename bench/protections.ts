/**
 * The protections of a public endpoint (issue 27), piece by piece, in isolation: what each costs a
 * request of bench/forward.ts's load (a legacy account_balance from a known user, forwarded by a
 * trusted proxy with X-Forwarded-For, naming another account each time so that the cache misses).
 * CPU ns per request, median of alternating rounds, beside its floor (the same step with the
 * protection off). bench/forward.ts measures them all together through the real server.
 *
 *   npx tsx bench/protections.ts        (or npm run bench -- protections; PROTECTIONS_OPS per round)
 */
import type { IncomingMessage } from 'node:http';
import { RateLimiter, type JsonObject, type LegacyForward } from '@nano-access/protocol';
import { loadPolicy } from '@nano-access/resolver';
import { ClientAddresses } from '../packages/gateway/src/http/client-address';
import { defaultRpcConfig } from '../packages/gateway/src/config/rpc-config';
import { createLegacyProtection } from '../packages/gateway/src/protect/legacy-protection';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const OPS = Number(process.env.PROTECTIONS_OPS ?? 200_000);
const KEY = 'bench-forward-6f1d2c3b-9a8e-4f70-b5d4-3c2a1e0f9b8d';
const ACCOUNT = 'nano_3d4wd36u6mpu5pqm8xngjq3uwnftme7t1obx8grog7rsdfgk3e8m5ptw9tx6';
const BALANCE = { balance: '325586539664609129644855132177', pending: '0', receivable: '0' };

/** What the cases compute, printed at the end, so that no step is optimized away. */
let sink = 0;

type Case = { name: string; run: (n: number) => void | Promise<void> };

function cpuNanos(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** bench/forward.ts's address lists: 300 denied CIDRs, a few allowed, 127.0.0.1 trusted. */
function addressConfig(): { allow: string[]; deny: string[]; trustProxy: string[] } {
  const deny: string[] = [];
  for (let i = 0; i < 300; i++) {
    const third = (i * 7) % 256;
    deny.push(
      i % 3 === 0 ? `198.18.${third}.0/24` : i % 3 === 1 ? `198.19.${third}.16/28` : `2001:db8:${i.toString(16)}::/48`,
    );
  }
  return {
    allow: ['127.0.0.0/8', '::1', '203.0.113.0/24', '100.64.0.0/10', '192.0.2.0/24'],
    deny,
    trustProxy: ['127.0.0.1'],
  };
}

/** What autocannon sends, as node:http gives it to the handler. */
function request(forwardedFor: string): IncomingMessage {
  return {
    socket: { remoteAddress: '127.0.0.1' },
    rawHeaders: [
      'host',
      '127.0.0.1:7076',
      'content-type',
      'application/json',
      'nano-api-key',
      KEY,
      'x-forwarded-for',
      forwardedFor,
      'content-length',
      '100',
    ],
  } as unknown as IncomingMessage;
}

function addressCases(): Case[] {
  const all = new ClientAddresses(addressConfig());
  const none = new ClientAddresses({ allow: [], deny: [], trustProxy: [] });
  // A public endpoint sees many clients: 256 addresses in turn (a memo of one would be a trick).
  const requests = Array.from({ length: 256 }, (_, i) => request(`203.0.113.${i}`));
  return [
    {
      name: 'addresses: of(req) + admits (300-CIDR deny, allow, trust_proxy with X-Forwarded-For)',
      run: (n) => {
        for (let i = 0; i < n; i++) {
          const req = requests[i & 255];
          if (all.admits(all.of(req))) sink++;
        }
      },
    },
    {
      name: 'addresses: floor (lists off: the peer address as it is)',
      run: (n) => {
        for (let i = 0; i < n; i++) {
          const req = requests[i & 255];
          if (none.admits(none.of(req))) sink++;
        }
      },
    },
  ];
}

function limitCases(): Case[] {
  const { policy } = loadPolicy(`[[user]]\nid = "${KEY}"\nallow = "api_account_balance"\n`);
  if (policy === null) throw new Error('bench policy does not load');
  const limiter = new RateLimiter({
    tiers: [{ permission: 'api_account_balance', rate: 1e6, burst: 1e6 }],
    defaultUser: { rate: 1e6, burst: 1e6 },
    global: { rate: 1e6, burst: 1e6 },
    maxBuckets: 100_000,
  });
  return [
    {
      name: 'limits: admit (a known user’s tier, the global ceiling)',
      run: (n) => {
        for (let i = 0; i < n; i++) sink += limiter.admit(policy, KEY, '203.0.113.7');
      },
    },
  ];
}

function legacyCases(): Case[] {
  const base = defaultRpcConfig();
  const backend = {
    legacy: (): Promise<JsonObject> => Promise.resolve({ ...BALANCE }),
  } as unknown as Parameters<LegacyForward>[1];
  // Each request made as it is needed, as the server parses one per request: a list of them made
  // up front would stay alive through the round and make every collection of the cache's garbage dearer.
  const prefix = ACCOUNT.slice(0, 40);
  const drive = async (forward: LegacyForward | undefined, n: number, offset: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const request = { action: 'account_balance', account: `${prefix}${offset + i}` };
      const answer = await (forward === undefined ? backend.legacy(request) : forward(request, backend));
      if (answer.balance !== undefined) sink++;
    }
  };
  const with_ = (caps: boolean, cache: boolean): LegacyForward | undefined =>
    createLegacyProtection({
      ...base,
      responseCaps: { ...base.responseCaps, enable: caps },
      cache: { ...base.cache, enable: cache, ttl: { account_balance: 0.001 } },
    })?.forward;
  const capsOnly = with_(true, false);
  const cacheOnly = with_(false, true);
  let offset = 0;
  const run = (forward: LegacyForward | undefined) => (n: number) => drive(forward, n, (offset += n));
  return [
    { name: 'caps: apply (account_balance: no cap of its own)', run: run(capsOnly) },
    { name: 'cache: a miss (key, single flight, keep the answer, LRU)', run: run(cacheOnly) },
    { name: 'legacy: floor (the backend called directly, same requests)', run: run(undefined) },
  ];
}

async function main(): Promise<void> {
  const cases = [...addressCases(), ...limitCases(), ...legacyCases()];
  const samples = cases.map((): number[] => []);
  for (const c of cases) await c.run(OPS / 10); // warm the JIT
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < cases.length; i++) {
      const start = cpuNanos();
      await cases[i].run(OPS);
      samples[i].push((cpuNanos() - start) / OPS);
    }
  }
  process.stdout.write(
    `\nProtections piece by piece (${OPS} requests a round, CPU ns per request, median of ${ROUNDS}, Node ${process.version})\n\n`,
  );
  process.stdout.write('| step | ns/request |\n|---|---:|\n');
  cases.forEach((c, i) => process.stdout.write(`| ${c.name} | ${median(samples[i]).toFixed(0)} |\n`));
  process.stdout.write(`\n(checksum ${sink})\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
