import {
  SourceText,
  sortDiagnostics,
  type AccessModel,
  type Diagnostic,
} from '@nano-access/parser';
import { loadPolicy, nanoCatalog, type Catalog } from '@nano-access/resolver';
import { fillTemplate, type ReportDescriptor, type Rule, type RuleContext } from './define-rule';
import { describeUser } from './describe-user';
import type { LintResult, SuppressedDiagnostic } from './lint-result';
import { checkRuleSetting, LinterError, LinterErrorCode, type RuleLevel, type RuleSettings } from './rule-settings';
import { rules as allRules, rulesById } from './rules/index';
import { applySuppressions } from './suppressions/apply-suppressions';

export interface LintOptions {
  /** The name diagnostics carry. */
  file: string;
  /** Default: the Nano catalog. */
  catalog?: Catalog;
  /** The file's mode bits (fs.Stats.mode), for `file-mode`; omit when unknown (stdin). */
  mode?: number;
  /** Rule levels (`off`, `warning`, `error`); see checkRuleSetting for what is refused. */
  rules?: RuleSettings;
}

/**
 * Lints the text of one access file. Errors come from loadPolicy, the very
 * function the servers activate a file with, so the linter reports an error
 * exactly when a server would refuse the file. Never throws on bad input;
 * throws LinterError (NA_LINT_RULE_SETTING_INVALID) on refused rule settings.
 */
export function lintText(text: string, options: LintOptions): LintResult {
  const file = options.file;
  const catalog = options.catalog ?? nanoCatalog;
  const settings = options.rules ?? {};
  for (const [id, level] of Object.entries(settings)) {
    const problem = checkRuleSetting(rulesById, id, level);
    if (problem) throw new LinterError(LinterErrorCode.ruleSettingInvalid, problem);
  }

  const loaded = loadPolicy(text, { file, catalog });
  // The loader's own parse gives the rules their positions: one parse, one file.
  const model = loaded.model;
  const source = model?.source ?? new SourceText(text);

  const findings: Diagnostic[] = [];
  const ran = new Set<string>();
  const levelOf = (rule: Rule): RuleLevel => settings[rule.id] ?? rule.meta.severity;

  const makeContext = (rule: Rule, sink: Diagnostic[], suppressionFindings: readonly ReportDescriptor[]): RuleContext => ({
    file,
    text,
    catalog,
    model,
    policy: loaded.policy,
    mode: options.mode,
    loadDiagnostics: loaded.diagnostics,
    suppressionFindings,
    report(descriptor) {
      const template = rule.meta.messages[descriptor.messageId];
      if (template === undefined) {
        throw new LinterError(LinterErrorCode.ruleMessageUnknown, `rule ${rule.id} has no message "${descriptor.messageId}"`);
      }
      sink.push({
        ruleId: rule.id,
        severity: levelOf(rule) === 'error' ? 'error' : 'warning',
        message: fillTemplate(template, descriptor.data),
        messageId: descriptor.messageId,
        file,
        span: source.span(descriptor.range),
      });
    },
    forward(diagnostic) {
      const level = levelOf(rule);
      sink.push({
        ...diagnostic,
        // A loader error stays an error whatever the settings (they refuse to change it).
        severity: diagnostic.severity === 'error' || level === 'error' ? 'error' : 'warning',
      });
    },
    describeUser,
  });

  for (const rule of allRules) {
    if (levelOf(rule) === 'off' || !canRun(rule, model, loaded.policy !== null, options.mode)) continue;
    ran.add(rule.id);
    rule.check(makeContext(rule, findings, []));
  }
  // Never drop what the loader said, even under a rule id this linter does not know.
  for (const diagnostic of loaded.diagnostics) {
    if (!rulesById.has(diagnostic.ruleId)) findings.push(diagnostic);
  }

  const fatal = loaded.diagnostics.some((d) => d.fatal);
  const outcome = applySuppressions(text, findings, {
    isSuppressible: (d) => !isLoadError(d),
    knownRule: (id) => rulesById.has(id),
    unsuppressibleRule: (id) => {
      const rule = rulesById.get(id);
      return rule !== undefined && rule.meta.source === 'load' && rule.meta.severity === 'error';
    },
    // A rule that did not run this time cannot show that its suppression is unused.
    judged: (id) => !fatal && ran.has(id),
  });

  const bookkeeping = rulesById.get('unused-suppression');
  const directiveDiagnostics: Diagnostic[] = [];
  if (bookkeeping && levelOf(bookkeeping) !== 'off' && !fatal) {
    bookkeeping.check(makeContext(bookkeeping, directiveDiagnostics, outcome.directiveFindings));
  }
  const messages = sortDiagnostics([...outcome.kept, ...directiveDiagnostics]);
  const suppressedMessages = sortDiagnostics(outcome.suppressed) as SuppressedDiagnostic[];
  let errorCount = 0;
  for (let i = 0; i < messages.length; i++) if (messages[i].severity === 'error') errorCount++;
  return {
    filePath: file,
    messages,
    suppressedMessages,
    errorCount,
    warningCount: messages.length - errorCount,
    loadable: loaded.policy !== null,
  };
}

function isLoadError(diagnostic: Diagnostic): boolean {
  const rule = rulesById.get(diagnostic.ruleId);
  return diagnostic.severity === 'error' && (rule === undefined || rule.meta.source === 'load');
}

function canRun(rule: Rule, model: AccessModel | null, hasPolicy: boolean, mode: number | undefined): boolean {
  switch (rule.meta.source) {
    case 'load':
      return true;
    case 'model':
      return model !== null;
    case 'policy':
      return model !== null && hasPolicy;
    case 'file':
      return model !== null && mode !== undefined;
    case 'lint':
      return false;
  }
}
