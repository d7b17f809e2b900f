import { escapeControls } from '@nano-access/parser';
import type { AccessMatrix } from './build-matrix';

const STYLE = `
:root { color-scheme: light; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
body { margin: 1.5rem; color: #1f2328; background: #ffffff; }
h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
p.summary { margin: 0 0 1rem; color: #59636e; }
.wrap { display: inline-block; max-width: 100%; box-sizing: border-box; overflow: auto; max-height: 85vh; border: 1px solid #d1d9e0; }
table { border-collapse: separate; border-spacing: 0; }
th, td { border-right: 1px solid #d1d9e0; border-bottom: 1px solid #d1d9e0; padding: .3rem .6rem; white-space: nowrap; }
thead th { position: sticky; top: 0; background: #f6f8fa; z-index: 2; text-align: center; }
tbody th { position: sticky; left: 0; background: #f6f8fa; text-align: left; font-family: ui-monospace, monospace; font-weight: 500; z-index: 1; }
thead th:first-child { left: 0; z-index: 3; text-align: left; }
td { text-align: center; font-weight: 600; cursor: help; }
td.allow { background: #dafbe1; color: #116329; }
td.deny { background: #ffebe9; color: #a40e26; }
td:hover, td:focus { outline: 2px solid #0969da; outline-offset: -2px; }
.id { display: block; font-weight: 400; font-size: .8rem; color: #59636e; font-family: ui-monospace, monospace; }
.legend { margin-top: 1rem; color: #59636e; }
`;

/**
 * One self-contained HTML page (inline CSS, no script, no external asset):
 * permissions down, users across, each cell allowed or denied with its
 * derivation in the cell's title (shown on hover, read by screen readers).
 */
export function renderMatrixHtml(matrix: AccessMatrix, title = 'Access matrix'): string {
  const head = matrix.users
    .map(
      (u) =>
        `<th scope="col" title="${escape(u.description)}">${escape(u.label)}${u.maskedId ? `<span class="id">${escape(u.id ?? u.maskedId)}</span>` : ''}</th>`,
    )
    .join('');
  const body = matrix.permissions
    .map((permission, row) => {
      const cells = matrix.allowed[row]
        .map((allowed, i) => {
          const tip = [
            `${matrix.users[i].description}: ${permission} ${allowed ? 'allowed' : 'denied'}`,
            ...matrix.derivation(row, i),
          ];
          return `<td class="${allowed ? 'allow' : 'deny'}" tabindex="0" title="${escapeLines(tip)}">${allowed ? '✓' : '✗'}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${escape(permission)}</th>${cells}</tr>`;
    })
    .join('\n');
  const allowedCount = matrix.allowed.reduce((n, row) => n + row.filter(Boolean).length, 0);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escape(title)}</h1>
<p class="summary">${matrix.users.length} users × ${matrix.permissions.length} permissions, ${allowedCount} allowed. Hover a cell for its derivation.</p>
<div class="wrap">
<table>
<thead><tr><th scope="col">permission</th>${head}</tr></thead>
<tbody>
${body}
</tbody>
</table>
</div>
<p class="legend">✓ allowed, ✗ denied. ${matrix.users.some((u) => u.id !== undefined) ? 'User ids are credentials, and are shown in full: do not share this page.' : 'User ids are credentials: only their last characters are shown.'}</p>
</body>
</html>
`;
}

/** HTML-escaped, control characters (from the file) as \\u escapes. */
function escape(text: string): string {
  return escapeHtml(escapeControls(text));
}

/** Lines for a title attribute: each line's controls escaped, the line breaks kept. */
function escapeLines(lines: readonly string[]): string {
  return escapeHtml(lines.map(escapeControls).join('\n'));
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\n/g, '&#10;');
}
