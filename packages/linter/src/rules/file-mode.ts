import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

const GROUP_OR_OTHER_READ = 0o044;
const GROUP_OR_OTHER_WRITE = 0o022;

/**
 * The access file holds every user's credentials; anyone who can read it can
 * act as any user, anyone who can write it can grant themselves anything.
 * The mode bits come from the caller (the CLI stats the file); the rule
 * stays pure and is skipped when they are unknown (standard input).
 */
export default defineRule({
  id: 'file-mode',
  meta: {
    severity: 'warning',
    description: 'The file holds credentials and is readable (or writable) by group or others.',
    docs: ruleDocsPath('file-mode'),
    source: 'file',
    securitySeverity: 6.5,
    messages: {
      readable:
        'The file holds credentials and is readable by {{who}} (mode {{mode}}): restrict it to its owner (chmod 600).',
      writable:
        'The file holds credentials and is writable by {{who}} (mode {{mode}}): anyone who can write it can grant themselves access; restrict it to its owner (chmod 600).',
    },
  },
  check(context) {
    const { model, mode } = context;
    if (!model || mode === undefined) return;
    if (!model.users.some((user) => user.id !== '')) return;
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    const range = { start: 0, end: 0 };
    // Writable is the worse of the two: report it alone when both hold.
    if (mode & GROUP_OR_OTHER_WRITE) {
      context.report({ messageId: 'writable', data: { who: who(mode, 0o020, 0o002), mode: octal }, range });
    } else if (mode & GROUP_OR_OTHER_READ) {
      context.report({ messageId: 'readable', data: { who: who(mode, 0o040, 0o004), mode: octal }, range });
    }
  },
});

function who(mode: number, groupBit: number, otherBit: number): string {
  const group = (mode & groupBit) !== 0;
  const other = (mode & otherBit) !== 0;
  return group && other ? 'group and others' : group ? 'its group' : 'others';
}
