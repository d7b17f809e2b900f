/**
 * A stand-in for a Nano node's HTTP RPC (a real node cannot run here): a
 * node:http server answering the few actions the soak's node-rpc backend asks
 * for, from the fixture ledger, in the node's JSON. Run as its own process so
 * the soak can SIGKILL it and start it again on the same port:
 *
 *   node --import tsx bench/soak/upstream.ts <port> <ledger.json>
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

interface LedgerAccount {
  account: string;
  balance?: string;
  weight?: string;
}

const [portArg, ledgerPath] = process.argv.slice(2);
const ledger = JSON.parse(readFileSync(ledgerPath, 'utf8')) as { accounts: LedgerAccount[]; blocks?: unknown[] };
const accounts = new Map(ledger.accounts.map((entry) => [entry.account, entry]));

function answer(request: Record<string, unknown>): Record<string, unknown> {
  const account = typeof request.account === 'string' ? accounts.get(request.account) : undefined;
  switch (request.action) {
    case 'version':
      return {
        rpc_version: '1',
        store_version: '24',
        protocol_version: '21',
        node_vendor: 'Nano V27.1 (soak stand-in)',
        network: 'live',
      };
    case 'account_weight':
      if (typeof request.account !== 'string' || !/^nano_[13][13-9a-km-uw-z]{59}$/.test(request.account))
        return { error: 'Bad account number' };
      return { weight: account?.weight ?? '0' };
    case 'account_balance':
      if (account === undefined) return { error: 'Account not found' };
      return { balance: account.balance ?? '0', pending: '0', receivable: '0' };
    case 'block_count':
      return {
        count: String(ledger.blocks?.length ?? 0),
        unchecked: '0',
        cemented: String(ledger.blocks?.length ?? 0),
      };
    default:
      return { error: 'Unknown command' };
  }
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let body: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      body =
        typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
          ? answer(parsed as Record<string, unknown>)
          : { error: 'Unable to parse JSON' };
    } catch {
      body = { error: 'Unable to parse JSON' };
    }
    const text = JSON.stringify(body);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(Number(portArg), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
