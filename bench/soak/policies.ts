/**
 * The access files of the soak run: a sequence of valid policies that flip
 * decisions for the same credentials, invalid files of the three kinds the issue
 * names, and the expected decision of each valid one (the resolver's own
 * loadPolicy, the same code path the server runs).
 */
import { randomBytes } from 'node:crypto';
import { loadPolicy, type Policy } from '@nano-access/resolver';

/** What the load asks for: a v2 message or a legacy action. */
export type Operation = { kind: 'message'; name: string } | { kind: 'action'; name: string };

export interface PolicyVersion {
  /** Index in the sequence of valid versions. */
  index: number;
  text: string;
  policy: Policy;
}

export type InvalidKind = 'syntax' | 'unknown-permission' | 'unknown-role';

/** The users of the run. Ids are long random secrets, as the linter wants them. */
export interface SoakCredentials {
  /** Configured in some versions, absent from others (then unknown: no permissions). */
  users: string[];
  /** Never configured: always "no permissions". */
  unknown: string;
}

export function makeCredentials(count: number): SoakCredentials {
  const users = Array.from({ length: count }, (_, i) => `soak-u${i}-${randomBytes(16).toString('hex')}`);
  return { users, unknown: `soak-unknown-${randomBytes(16).toString('hex')}` };
}

/** Small deterministic PRNG so a run can be repeated with --seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

const GRANTS = [
  'api_account_weight',
  'account_query',
  'wallet_read',
  'node_query',
  'api_account_balance',
  'api_block_count',
  'unrestricted',
];
const DENIES = ['api_account_weight', 'api_account_balance', 'api_block_count', 'account_query'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function list(items: Iterable<string>): string {
  return [...items].join(', ');
}

/** One valid access file: every user's grants drawn at random, so decisions change from one version to the next. */
export function validPolicyText(serial: number, credentials: SoakCredentials, random: () => number): string {
  const lines = [
    `# soak version ${serial}`,
    '[[role]]',
    'id = "readers"',
    `allow = "${list(new Set([pick(random, GRANTS), pick(random, GRANTS)]))}"`,
    '',
  ];
  lines.push('[[user]]', 'id = ""');
  if (random() < 0.5) lines.push('deny = "api_account_weight"');
  lines.push('');
  for (const id of credentials.users) {
    if (random() < 0.15) continue; // absent in this version: unknown credentials, no permissions
    lines.push('[[user]]', `id = "${id}"`);
    if (random() < 0.4) lines.push('roles = "readers"');
    const allow = new Set<string>();
    const grants = Math.floor(random() * 3);
    for (let i = 0; i < grants; i += 1) allow.add(pick(random, GRANTS));
    if (allow.size > 0) lines.push(`allow = "${list(allow)}"`);
    if (random() < 0.3) lines.push(`deny = "${pick(random, DENIES)}"`);
    if (random() < 0.3) lines.push('bare = true');
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/** A file the server must reject, made from a valid one so it still carries the user ids. */
export function invalidPolicyText(valid: string, kind: InvalidKind, serial: number): string {
  const body = valid.replace(/^# soak version \d+/, `# soak invalid ${serial} (${kind})`);
  switch (kind) {
    case 'syntax':
      return body.replace('[[user]]\nid = ""', '[[user]\nid = ""');
    case 'unknown-permission':
      // A typo in the role's allow list (the first allow of the file).
      return body.replace('allow = "', 'allow = "acount_query, ');
    case 'unknown-role':
      return body.replace('id = ""\n', 'id = ""\nroles = "no_such_role"\n');
  }
}

/** Compiles a text with the resolver; throws if a "valid" text is not (a bug of this harness). */
export function compileValid(text: string): Policy {
  const { policy, diagnostics } = loadPolicy(text, { file: 'config-access.toml' });
  if (policy === null)
    throw new Error(`soak: generated policy does not compile: ${diagnostics.map((d) => d.message).join('; ')}`);
  return policy;
}

/** Whether a generated invalid text is rejected by the resolver, and with which rule. */
export function rejectionRules(text: string): string[] {
  const { policy, diagnostics } = loadPolicy(text, { file: 'config-access.toml' });
  if (policy !== null) return [];
  return diagnostics.filter((d) => d.severity === 'error').map((d) => d.ruleId ?? 'toml-syntax');
}

/** The expected decision: does this policy allow the operation for these credentials? */
export function allows(policy: Policy, credentials: string | undefined, operation: Operation): boolean {
  const permission =
    operation.kind === 'message' ? policy.messagePermission(operation.name) : policy.action(operation.name)?.permission;
  if (permission === undefined) return false;
  if (permission === null) return true;
  return policy.check(credentials, permission);
}
