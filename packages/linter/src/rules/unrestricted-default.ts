import { defaultUserOf } from '@nano-access/parser';
import type { NameRef, SourceRange } from '@nano-access/parser';
import { defineRule } from '../define-rule';
import { rootOf } from '../derivation';
import { ruleDocsPath } from '../docs-url';

/**
 * The default user is whoever connects without credentials: giving it
 * `unrestricted` opens every call of the node (wallets, seed changes, stop)
 * to every client that can reach the socket. Read from the resolver's
 * derivation of `unrestricted` for the default user.
 */
export default defineRule({
  id: 'unrestricted-default',
  meta: {
    severity: 'warning',
    description: 'The default user (anyone without credentials) is unrestricted.',
    docs: ruleDocsPath('unrestricted-default'),
    source: 'policy',
    securitySeverity: 8.8,
    messages: {
      unrestricted:
        'The default user (anyone without credentials) is unrestricted{{source}}: every permission is open to every client.',
      narrowed:
        'The default user (anyone without credentials) is granted "unrestricted"{{source}}, narrowed only by deny: nearly every permission is open to every client.',
    },
  },
  check(context) {
    const { model, policy } = context;
    if (!model || !policy) return;
    const explained = policy.explain('', 'unrestricted').permission;
    if (!explained || explained.grants.length === 0) return;
    const defaultUser = defaultUserOf(model);
    const origin = rootOf(explained.grants[0]).origin;
    let range: SourceRange = defaultUser ? defaultUser.idRange : { start: 0, end: 0 };
    let source = '';
    if (origin.source === 'role') {
      source = ` through role "${origin.role}"`;
      range = find(defaultUser?.roles, origin.role) ?? range;
    } else if (origin.source === 'allow') {
      range = find(defaultUser?.allow, 'unrestricted') ?? range;
    } else if (origin.source === 'builtin-default') {
      source = " by the catalog's built-in defaults";
    }
    context.report({ messageId: explained.allowed ? 'unrestricted' : 'narrowed', data: { source }, range });
  },
});

function find(refs: readonly NameRef[] | undefined, name: string): SourceRange | undefined {
  return refs?.find((ref) => ref.name === name)?.range;
}
