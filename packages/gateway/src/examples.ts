import type { GatewayPolicy } from './dispatcher-types';
import type { GatewayAddress } from './gateway';

export interface ExampleOptions {
  address: GatewayAddress;
  policy: GatewayPolicy;
  /** An account the backend knows (the example ledger's representative). */
  account: string;
  /** For HTTPS: the certificate curl should trust. */
  caFile?: string;
}

/** Legacy actions tried, in order, for the examples: read-only, not control. */
const READ_ONLY_ACTIONS = ['account_weight', 'account_balance', 'block_count', 'version', 'uptime'] as const;

/**
 * Three curl command lines that work against this gateway as printed: an
 * allowed v2 call, a denied call, and an allowed legacy action. They are
 * derived from the active policy for the default user (no credentials) and an
 * unknown key, so no configured API key (a secret) is ever printed.
 */
export function exampleRequests(options: ExampleOptions): string[] {
  const { policy, account } = options;
  const base = curlBase(options);
  const url = exampleUrl(options.address);
  const lines: string[] = [];
  const allowedForDefault = (action: string): boolean => {
    const entry = policy.action(action);
    return entry !== undefined && !entry.control && safeCheck(policy, '', entry.permission);
  };
  const legacyBody = (action: string): string =>
    JSON.stringify(action === 'account_weight' || action === 'account_balance' ? { action, account } : { action });

  const weightPermission = policy.messagePermission('AccountWeight');
  if (weightPermission === null || (weightPermission !== undefined && safeCheck(policy, '', weightPermission))) {
    lines.push(`${base} -w '\\n' -d '${JSON.stringify({ account })}' ${url}/api/v2/AccountWeight`);
  } else {
    lines.push(`${base} -w '\\n' -X POST ${url}/api/v2/IsAlive`);
  }

  const deniedAction = READ_ONLY_ACTIONS.find((a) => policy.action(a) !== undefined && !allowedForDefault(a));
  if (deniedAction !== undefined) {
    lines.push(`${base} -w ' (HTTP %{http_code})\\n' -d '${legacyBody(deniedAction)}' ${url}/`);
  } else {
    // The default user may do everything read-only: show that unknown keys get nothing.
    lines.push(
      `${base} -w ' (HTTP %{http_code})\\n' -H 'Nano-Api-Key: not-a-configured-user' -d '${legacyBody('account_weight')}' ${url}/`,
    );
  }

  const allowedAction = READ_ONLY_ACTIONS.find(allowedForDefault);
  if (allowedAction !== undefined) lines.push(`${base} -w '\\n' -d '${legacyBody(allowedAction)}' ${url}/`);
  return lines;
}

function curlBase(options: ExampleOptions): string {
  const tls =
    options.address.protocol === 'https' && options.caFile
      ? ` --cacert '${options.caFile.replace(/'/g, "'\\''")}'`
      : '';
  return `curl -s${tls}`;
}

/** A URL a local curl can reach: wildcard listen addresses become loopback. */
function exampleUrl(address: GatewayAddress): string {
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  return `${address.protocol}://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

function safeCheck(policy: GatewayPolicy, credentials: string, permission: string): boolean {
  try {
    return policy.check(credentials, permission);
  } catch {
    return false;
  }
}
