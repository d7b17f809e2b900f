import { defineRule, type RuleContext } from '../src/define-rule';

describe('defineRule', () => {
  it('lets a check report only the messageIds its meta declares (npm run typecheck fails on any other)', () => {
    const reported: string[] = [];
    const rule = defineRule({
      id: 'fixture-rule',
      meta: {
        severity: 'warning',
        description: 'A rule for this test.',
        docs: 'docs/rules.md',
        source: 'model',
        messages: { declared: 'Declared.' },
      },
      check(context) {
        context.report({ messageId: 'declared', range: { start: 0, end: 0 } });
        // @ts-expect-error: 'undeclared' is not in meta.messages.
        context.report({ messageId: 'undeclared', range: { start: 0, end: 0 } });
      },
    });
    rule.check({
      report: (descriptor: { messageId: string }) => reported.push(descriptor.messageId),
    } as unknown as RuleContext);
    expect(reported).toEqual(['declared', 'undeclared']);
  });
});
