import { formatMode, hasCredentialedUser, judgeFileSafety } from '@nano-access/parser';
import { defineRule } from '../define-rule';
import { ruleDocsPath } from '../docs-url';

/**
 * The access file holds every user's credentials; anyone who can read it can
 * act as any user, anyone who can write it (or replace it in its directory)
 * can grant themselves anything. The facts (modes, owners) come from the
 * caller, which stats the file; the judgment is judgeFileSafety, the one the
 * servers refuse a file with, so lint and the servers agree. Skipped when
 * nothing is known of the file (standard input).
 */
export default defineRule({
  id: 'file-mode',
  meta: {
    severity: 'warning',
    // What a server refuses (unless allow_insecure_permissions is set) is an error.
    messageSeverity: { writable: 'error', directoryWritable: 'error', foreignOwner: 'error' },
    description: 'The file holds credentials and is readable (or writable) by group or others.',
    docs: ruleDocsPath('file-mode'),
    source: 'file',
    securitySeverity: 6.5,
    messages: {
      readable:
        'The file holds credentials and is readable by {{who}} (mode {{mode}}): restrict it to its owner (chmod 600).',
      writable:
        'The file is writable by {{who}} (mode {{mode}}): anyone who can write it can grant themselves access, and servers refuse it; restrict it to its owner (chmod 600).',
      directoryWritable:
        'The directory {{path}} is writable by {{who}} (mode {{mode}}): anyone who can write it can replace the file, and servers refuse it; chmod go-w it.',
      foreignOwner:
        'The {{target}} {{path}} is owned by uid {{uid}}, neither root nor the user running this check: that user can change it, and servers refuse it; chown it.',
    },
  },
  check(context) {
    const { model, fileFacts } = context;
    if (!model || fileFacts === undefined) return;
    const range = { start: 0, end: 0 };
    const { problems, readableBy } = judgeFileSafety(fileFacts);
    for (const problem of problems) {
      if (problem.kind === 'foreign-owner') {
        const target = problem.target === 'file' ? 'file' : 'directory';
        context.report({ messageId: 'foreignOwner', data: { target, path: problem.path, uid: problem.uid }, range });
      } else if (problem.target === 'file') {
        context.report({ messageId: 'writable', data: { who: problem.who, mode: formatMode(problem.mode) }, range });
      } else {
        context.report({
          messageId: 'directoryWritable',
          data: { path: problem.path, who: problem.who, mode: formatMode(problem.mode) },
          range,
        });
      }
    }
    // Reading is the lesser worry: said only when nothing worse is, and only of a file that holds credentials.
    const fileWritable = problems.some((problem) => problem.kind === 'writable' && problem.target === 'file');
    if (readableBy !== null && !fileWritable && hasCredentialedUser(model)) {
      context.report({
        messageId: 'readable',
        data: { who: readableBy, mode: formatMode(fileFacts.file.mode) },
        range,
      });
    }
  },
});
