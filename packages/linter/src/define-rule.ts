import type { AccessFileFacts, AccessModel, Diagnostic, Severity, SourceRange, UserEntry } from '@nano-access/parser';
import type { Catalog, Policy } from '@nano-access/resolver';

/**
 * Where a rule's findings come from.
 * - `load`: the parser and resolver report them while loading the file (the
 *   very `loadPolicy` the servers activate with); the rule only forwards them.
 * - `model`: the rule reads the parsed model (runs even when loading failed).
 * - `policy`: the rule reads the compiled policy's derivation (`explain`); it
 *   runs only on a file a server would activate.
 * - `file`: the rule reads facts about the file itself (modes and owners).
 * - `lint`: the linter's own bookkeeping (suppression comments).
 */
export type RuleSource = 'load' | 'model' | 'policy' | 'file' | 'lint';

export interface RuleMeta {
  /** The default severity. Error rules of source `load` cannot be changed. */
  severity: Severity;
  /**
   * Default severities of particular messages, where they differ from `severity` (file-mode's
   * findings that make a server refuse the file are errors). A setting for the rule wins over both.
   */
  messageSeverity?: Readonly<Record<string, Severity>>;
  /** One line, shown in `rules[]` of SARIF and in docs/rules.md. */
  description: string;
  /** Link to the rule's section of docs/rules.md (relative to the repository root). */
  docs: string;
  /**
   * messageId → template (`{{name}}` placeholders). For `load` rules these
   * document the parser's and resolver's messageIds; their text is the loader's.
   */
  messages: Readonly<Record<string, string>>;
  source: RuleSource;
  /**
   * CVSS-like 0.0–10.0 score for GitHub code scanning (`security-severity`),
   * present on rules whose findings weaken the security of the node. Its
   * presence is what makes a rule a security rule (isSecurityRule): SARIF
   * tags it `security`, and the servers log its findings at every reload.
   */
  securitySeverity?: number;
}

/** What a finding needs: which message, its placeholders, and where. */
export interface ReportDescriptor<MessageId extends string = string> {
  messageId: MessageId;
  data?: Readonly<Record<string, string | number>>;
  range: SourceRange;
}

/** The verdicts on suppression comments, reported by `unused-suppression` under these messageIds. */
export type SuppressionMessageId = 'unused' | 'unknownRule' | 'unsuppressible' | 'malformed';

/** What a rule's check is given; `MessageId`: the ids of its meta.messages, the only ones it may report. */
export interface RuleContext<MessageId extends string = string> {
  readonly file: string;
  readonly text: string;
  readonly catalog: Catalog;
  /** The parsed file; null only when the file is not TOML at all. */
  readonly model: AccessModel | null;
  /** The compiled policy; null when the file has errors (a server would refuse it). */
  readonly policy: Policy | null;
  /** The file's mode bits (st_mode), when the caller knows them (fileFacts.file.mode). */
  readonly mode: number | undefined;
  /** Modes and owners of the file and its directories, when the caller knows them (not for standard input). */
  readonly fileFacts: AccessFileFacts | undefined;
  /** Everything `loadPolicy` reported, sorted. */
  readonly loadDiagnostics: readonly Diagnostic[];
  /** What the suppression comments came to (read by `unused-suppression` only). */
  readonly suppressionFindings: readonly ReportDescriptor<SuppressionMessageId>[];
  /** Reports a finding of this rule with one of its messages. */
  report(descriptor: ReportDescriptor<MessageId>): void;
  /** Passes on a diagnostic the loader made (its messages never quote a user id). */
  forward(diagnostic: Diagnostic): void;
  /** "the default user" or "user #3 (…c57)": never the id itself (ids are secrets). */
  describeUser(user: UserEntry): string;
}

export interface Rule {
  readonly id: string;
  readonly meta: RuleMeta;
  check(context: RuleContext): void;
}

/** Whether a rule's findings weaken the node's security: it has a `securitySeverity`. */
export function isSecurityRule(rule: Rule): boolean {
  return rule.meta.securitySeverity !== undefined;
}

/** A rule as written: its check may report only the messageIds its meta declares (checked by the compiler). */
export interface RuleDefinition<MessageId extends string> {
  readonly id: string;
  readonly meta: RuleMeta & { messages: Readonly<Record<MessageId, string>> };
  check(context: RuleContext<MessageId>): void;
}

/** Declares a rule. The identity function, here for the types and for a single shape. */
export function defineRule<MessageId extends string>(rule: RuleDefinition<MessageId>): Rule {
  return rule;
}

/** The check of every `load` rule: forward what the loader said under this rule's id. */
export function forwardLoadDiagnostics(ruleId: string): (context: RuleContext) => void {
  return (context) => {
    for (const diagnostic of context.loadDiagnostics) {
      if (diagnostic.ruleId === ruleId) context.forward(diagnostic);
    }
  };
}

/** Fills `{{name}}` placeholders; an unknown placeholder is left as written (a test catches it). */
export function fillTemplate(template: string, data: Readonly<Record<string, string | number>> | undefined): string {
  if (!data) return template;
  const parts = templateParts(template);
  let out = parts[0];
  for (let i = 1; i < parts.length; i += 3) {
    const key = parts[i];
    out += (Object.prototype.hasOwnProperty.call(data, key) ? String(data[key]) : parts[i + 1]) + parts[i + 2];
  }
  return out;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
/** Templates split once: a file with thousands of findings has a handful of distinct messages. */
const splitTemplates = new Map<string, readonly string[]>();

/** [text, key, placeholder as written, text, key, placeholder as written, …, text]. */
function templateParts(template: string): readonly string[] {
  let parts = splitTemplates.get(template);
  if (parts === undefined) {
    const split: string[] = [];
    let last = 0;
    for (const match of template.matchAll(PLACEHOLDER)) {
      split.push(template.slice(last, match.index), match[1], match[0]);
      last = match.index + match[0].length;
    }
    split.push(template.slice(last));
    splitTemplates.set(template, (parts = split));
  }
  return parts;
}
