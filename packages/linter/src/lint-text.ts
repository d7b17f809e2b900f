import {
  SourceText,
  sortDiagnostics,
  type AccessFileFacts,
  type AccessModel,
  type Diagnostic,
} from '@nano-access/parser';
import { loadPolicy, nanoCatalog, type Catalog, type LoadResult } from '@nano-access/resolver';
import {
  fillTemplate,
  isSecurityRule,
  type ReportDescriptor,
  type Rule,
  type RuleContext,
  type SuppressionMessageId,
} from './define-rule';
import { describeUserAt } from './mask-id';
import { IdMasker } from './mask-ids';
import type { LintResult, SuppressedDiagnostic } from './lint-result';
import { LinterError, LinterErrorCode } from './errors';
import { checkRuleSetting, type RuleLevel, type RuleSettings } from './rule-settings';
import { rules as allRules, rulesById } from './rules/index';
import { applySuppressions } from './suppressions/apply-suppressions';

export interface LintOptions {
  /** The name diagnostics carry. */
  file: string;
  /** Default: the Nano catalog. */
  catalog?: Catalog;
  /** The file's mode bits (fs.Stats.mode), for `file-mode`, when fileFacts are not given; omit when unknown (stdin). */
  mode?: number;
  /** The modes and owners of the file and its directories (readAccessFile gives them), for `file-mode`. */
  fileFacts?: AccessFileFacts;
  /** Rule levels (`off`, `warning`, `error`); see checkRuleSetting for what is refused. */
  rules?: RuleSettings;
  /**
   * Print user ids where a message quotes one (an id pasted into `roles`, say). Default false:
   * they are masked (`[the id of user #3 (…bc57)]`), as everywhere else.
   */
  showIds?: boolean;
}

/** What a server has at hand after activating a file: lintable without a second parse. */
export interface LoadedFile {
  text: string;
  /** The file name diagnostics carry. */
  file: string;
  /** The catalog the text was loaded with. Default: the Nano catalog. */
  catalog?: Catalog;
  /** loadPolicy(text, { file, catalog })'s result. */
  loaded: LoadResult;
  fileFacts?: AccessFileFacts | null;
}

/**
 * Lints the text of one access file. Errors come from loadPolicy, the very
 * function the servers activate a file with, so the linter reports an error
 * exactly when a server would refuse the file. Never throws on bad input;
 * throws LinterError (NA_LINT_RULE_SETTING_INVALID) on refused rule settings.
 */
export function lintText(text: string, options: LintOptions): LintResult {
  const catalog = options.catalog ?? nanoCatalog;
  return lintWith(text, loadPolicy(text, { file: options.file, catalog }), options);
}

/**
 * The findings of the security rules (isSecurityRule) on a file already loaded: what the servers
 * log at `warn` on every load and reload (the CLI passes this as the PolicyStore's `inspect`).
 * Suppression comments apply, as in `nano-access lint`.
 */
export function securityFindings(input: LoadedFile): Diagnostic[] {
  const options: LintOptions = { file: input.file, catalog: input.catalog, fileFacts: input.fileFacts ?? undefined };
  return lintWith(input.text, input.loaded, options, isSecurityRule).messages;
}

/** Lints loaded text with every rule, or with the `only` ones (then nothing else is reported). */
function lintWith(text: string, loaded: LoadResult, options: LintOptions, only?: (rule: Rule) => boolean): LintResult {
  const selected = only ?? ((): boolean => true);
  const file = options.file;
  const catalog = options.catalog ?? nanoCatalog;
  const settings = options.rules ?? {};
  for (const [id, level] of Object.entries(settings)) {
    const problem = checkRuleSetting(rulesById, id, level);
    if (problem) throw new LinterError(LinterErrorCode.ruleSettingInvalid, problem);
  }
  const fileFacts =
    options.fileFacts ??
    (options.mode === undefined ? undefined : { file: { path: file, mode: options.mode }, directories: [] });

  // The loader's own parse gives the rules their positions: one parse, one file.
  const model = loaded.model;
  const source = model?.source ?? new SourceText(text);

  const findings: Diagnostic[] = [];
  const ran = new Set<string>();
  const levelOf = (rule: Rule): RuleLevel => settings[rule.id] ?? rule.meta.severity;
  const levelOfMessage = (rule: Rule, messageId: string): RuleLevel =>
    settings[rule.id] ?? rule.meta.messageSeverity?.[messageId] ?? rule.meta.severity;

  const makeContext = (
    rule: Rule,
    sink: Diagnostic[],
    suppressionFindings: readonly ReportDescriptor<SuppressionMessageId>[],
  ): RuleContext => ({
    file,
    text,
    catalog,
    model,
    policy: loaded.policy,
    mode: fileFacts?.file.mode,
    fileFacts,
    loadDiagnostics: loaded.diagnostics,
    suppressionFindings,
    report(descriptor) {
      // defineRule's types let a check report only the messageIds its meta declares.
      const template = rule.meta.messages[descriptor.messageId];
      sink.push({
        ruleId: rule.id,
        severity: levelOfMessage(rule, descriptor.messageId) === 'error' ? 'error' : 'warning',
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
    describeUser: (user) => describeUserAt(user.index, user.id, user.isDefault),
  });

  for (const rule of allRules) {
    if (
      !selected(rule) ||
      levelOf(rule) === 'off' ||
      !canRun(rule, model, loaded.policy !== null, fileFacts !== undefined)
    )
      continue;
    ran.add(rule.id);
    rule.check(makeContext(rule, findings, []));
  }
  // Never drop what the loader said, even under a rule id this linter does not know.
  for (const diagnostic of loaded.diagnostics) {
    if (only === undefined && !rulesById.has(diagnostic.ruleId)) findings.push(diagnostic);
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
  if (bookkeeping && selected(bookkeeping) && levelOf(bookkeeping) !== 'off' && !fatal) {
    bookkeeping.check(makeContext(bookkeeping, directiveDiagnostics, outcome.directiveFindings));
  }
  let messages = sortDiagnostics([...outcome.kept, ...directiveDiagnostics]);
  let suppressedMessages = sortDiagnostics(outcome.suppressed) as SuppressedDiagnostic[];
  if (options.showIds !== true) {
    // Ids are credentials: masked wherever a message quotes one, in every format (SARIF included).
    const masker = new IdMasker({ text, model, diagnostics: loaded.diagnostics });
    messages = masker.diagnostics(messages);
    suppressedMessages = masker.diagnostics(suppressedMessages);
  }
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

function canRun(rule: Rule, model: AccessModel | null, hasPolicy: boolean, hasFileFacts: boolean): boolean {
  switch (rule.meta.source) {
    case 'load':
      return true;
    case 'model':
      return model !== null;
    case 'policy':
      return model !== null && hasPolicy;
    case 'file':
      return model !== null && hasFileFacts;
    case 'lint':
      return false;
  }
}
