import { suggest, type AccessModel, type Diagnostic, type Span, type UserEntry } from '@nano-access/parser';
import type { Policy } from '@nano-access/resolver';
import { describeDecision } from '../derivation-text';
import { describeUserAt } from '../mask-id';
import {
  DEFAULT_USER_NAME,
  type AccessTest,
  type AliasDefinition,
  type Expectation,
  type NameAt,
} from './parse-access-test';

/** A failed expectation (`failure`) or a problem that stops a check from running (`error`). */
export interface AccessTestMessage extends Diagnostic {
  kind: 'failure' | 'error';
  /** For a failure: explain's derivation of the actual decision, one line per step. */
  derivation: string[];
}

/** The outcome of one test file (or of a policy file that could not be used). */
export interface AccessTestResult {
  filePath: string;
  /** A test file, or an access file whose own errors stopped the tests that use it. */
  fileKind: 'test' | 'policy';
  /** The access file the expectations ran against. */
  policyPath?: string;
  /** Sorted by line, column, rule id. */
  messages: AccessTestMessage[];
  /** Checks that held: one per permission in `allow` and `deny`, one per `effective`. */
  passCount: number;
  failCount: number;
  /** Problems in the test file or its policy: the test could not run as written. */
  errorCount: number;
}

/** The policy a test runs against: compiled, or why there is none (already phrased); `file` is "" when none was named. */
export type PolicyUnderTest = { file: string; model: AccessModel; policy: Policy } | { file: string; problem: string };

/** A user an expectation is about: the credentials to check with and how to name it. */
interface TestUser {
  credentials: string;
  label: string;
}

/**
 * Runs every expectation of a parsed test file against a policy, through
 * Policy.check (the servers' decision) and Policy.explain (the derivation
 * a failure prints). `env` holds the environment variables `{ env = … }`
 * aliases read. Pure: no I/O.
 */
export function runAccessTest(
  test: AccessTest,
  target: PolicyUnderTest,
  env: Readonly<Record<string, string | undefined>>,
): AccessTestResult {
  const messages: AccessTestMessage[] = [];
  const result: AccessTestResult = {
    filePath: test.file,
    fileKind: 'test',
    messages,
    passCount: 0,
    failCount: 0,
    errorCount: 0,
  };
  if (target.file !== '') result.policyPath = target.file;
  const report = (
    kind: AccessTestMessage['kind'],
    ruleId: string,
    messageId: string,
    message: string,
    span: Span,
    derivation: string[] = [],
  ): void => {
    messages.push({ ruleId, severity: 'error', message, messageId, file: test.file, span, kind, derivation });
    if (kind === 'failure') result.failCount++;
    else result.errorCount++;
  };
  if ('problem' in target) {
    report('error', 'policy-invalid', 'policyInvalid', target.problem, test.policy?.span ?? test.start);
    return result;
  }

  const { policy, model } = target;
  const users = new Map<string, TestUser>([[DEFAULT_USER_NAME, { credentials: '', label: 'the default user' }]]);
  for (const alias of test.aliases) {
    const found = resolveAlias(alias, model, env);
    if ('problem' in found) report('error', found.ruleId, found.messageId, found.problem, alias.span);
    else
      users.set(alias.name, {
        credentials: found.user.id,
        label: `${alias.name} (${describeUserAt(found.user.index, found.user.id, false)})`,
      });
  }

  const catalogNames = policy.catalog.permissions.map((p) => p.name);
  const known = new Set(catalogNames);
  const unknown = (names: readonly NameAt[]): boolean => {
    let any = false;
    for (const { name, span } of names) {
      if (known.has(name)) continue;
      const near = suggest(name, catalogNames);
      report(
        'error',
        'unknown-permission',
        'unknownPermission',
        `Unknown permission "${name}": it is not in the ${policy.catalog.name} catalog.${near ? ` Did you mean "${near}"?` : ''}`,
        span,
      );
      any = true;
    }
    return any;
  };

  for (const expectation of test.expectations) {
    const user = users.get(expectation.user.name);
    const badNames = [
      unknown(expectation.allow),
      unknown(expectation.deny),
      unknown(expectation.effective?.names ?? []),
    ].some(Boolean);
    // An alias that matched nothing was reported where it is defined.
    if (!user || badNames) continue;
    const why = expectation.description ? ` (${expectation.description})` : '';
    for (const expected of [true, false]) {
      for (const { name, span } of expected ? expectation.allow : expectation.deny) {
        const allowed = policy.check(user.credentials, name);
        if (allowed === expected) {
          result.passCount++;
          continue;
        }
        const message = `${user.label} should be ${expected ? 'allowed' : 'denied'} ${name}, but is ${allowed ? 'allowed' : 'denied'}${why}`;
        report(
          'failure',
          expected ? 'expect-allow' : 'expect-deny',
          expected ? 'notAllowed' : 'notDenied',
          message,
          span,
          derivationOf(policy, user, name),
        );
      }
    }
    if (expectation.effective) checkEffective(expectation, user, policy, why, result, report);
  }
  messages.sort((a, b) => a.span.start.offset - b.span.start.offset || a.ruleId.localeCompare(b.ruleId));
  return result;
}

type Report = (
  kind: AccessTestMessage['kind'],
  ruleId: string,
  messageId: string,
  message: string,
  span: Span,
  derivation?: string[],
) => void;

function checkEffective(
  expectation: Expectation,
  user: TestUser,
  policy: Policy,
  why: string,
  result: AccessTestResult,
  report: Report,
): void {
  const effective = expectation.effective!;
  const wanted = new Set(effective.names.map((n) => n.name));
  const actual = policy.effective(user.credentials);
  const extra = actual.filter((name) => !wanted.has(name));
  const have = new Set(actual);
  const missing = [...wanted].filter((name) => !have.has(name)).sort();
  if (extra.length === 0 && missing.length === 0) {
    result.passCount++;
    return;
  }
  const parts = [
    missing.length > 0 ? `missing ${missing.join(', ')}` : '',
    extra.length > 0 ? `also has ${extra.join(', ')}` : '',
  ].filter(Boolean);
  const derivation = [...missing, ...extra].map((name) => `${name}: ${derivationOf(policy, user, name).join('; ')}`);
  report(
    'failure',
    'expect-effective',
    'effectiveDiffers',
    `${user.label} should have exactly the ${wanted.size} listed permissions: ${parts.join('; ')}${why}`,
    effective.span,
    derivation,
  );
}

function derivationOf(policy: Policy, user: TestUser, permission: string): string[] {
  const explained = policy.explain(user.credentials, permission).permission;
  return explained ? describeDecision(explained) : [];
}

type Resolved = { user: UserEntry } | { problem: string; ruleId: string; messageId: string };

/** The one user an alias names, or why there is none. */
function resolveAlias(
  alias: AliasDefinition,
  model: AccessModel,
  env: Readonly<Record<string, string | undefined>>,
): Resolved {
  const { source } = alias;
  if (source.kind === 'env') {
    const id = env[source.variable];
    if (id === undefined || id === '') {
      return {
        ruleId: 'alias-env-unset',
        messageId: 'envUnset',
        problem: `Alias "${alias.name}": the environment variable ${source.variable} is not set.`,
      };
    }
    const user = model.users.find((u) => !u.isDefault && u.id === id);
    if (!user)
      return {
        ruleId: 'alias-unmatched',
        messageId: 'envUnmatched',
        problem: `Alias "${alias.name}": the id in ${source.variable} is no user's id in ${model.file}.`,
      };
    return { user };
  }
  const matches: UserEntry[] = [];
  for (const user of model.users) if (!user.isDefault && user.id.endsWith(source.suffix)) matches.push(user);
  // Half an id is already too much of a secret to commit; a few characters are enough to tell users apart.
  if (matches.length === 1 && source.suffix.length * 2 > matches[0].id.length) {
    return {
      ruleId: 'alias-form',
      messageId: 'tooMuchOfId',
      problem: `Alias "${alias.name}" gives ${source.suffix.length} of the ${matches[0].id.length} characters of the id of ${describeUserAt(matches[0].index, matches[0].id, false)}: ids are secrets; write at most half of it.`,
    };
  }
  if (matches.length === 1) return { user: matches[0] };
  if (matches.length === 0)
    return {
      ruleId: 'alias-unmatched',
      messageId: 'suffixUnmatched',
      problem: `Alias "${alias.name}": no user's id in ${model.file} ends in "${source.suffix}".`,
    };
  const shown = matches.slice(0, 3).map((u) => describeUserAt(u.index, u.id, false));
  const more = matches.length > 3 ? ` and ${matches.length - 3} more` : '';
  return {
    ruleId: 'alias-ambiguous',
    messageId: 'suffixAmbiguous',
    problem: `Alias "${alias.name}": ${matches.length} users' ids end in "${source.suffix}" (${shown.join(', ')}${more}); write more of the end.`,
  };
}

/**
 * A result that is only diagnostics: a test file that could not be read as
 * one, or an access file with errors (reported once, however many test
 * files use it).
 */
export function accessTestResultOf(
  file: string,
  fileKind: 'test' | 'policy',
  diagnostics: readonly Diagnostic[],
): AccessTestResult {
  const messages = diagnostics
    .filter((d) => d.severity === 'error')
    .map((d): AccessTestMessage => ({ ...d, kind: 'error', derivation: [] }));
  return { filePath: file, fileKind, messages, passCount: 0, failCount: 0, errorCount: messages.length };
}
