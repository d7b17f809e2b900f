import { fillTemplate } from '../src/define-rule';

/** The plain reading fillTemplate must equal: one regular-expression replace. */
function reference(template: string, data: Readonly<Record<string, string | number>> | undefined): string {
  if (!data) return template;
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(data, key) ? String(data[key]) : whole,
  );
}

describe('fillTemplate', () => {
  it.each([
    ['no placeholder', {}],
    ['{{user}} has "{{ permission }}"{{through}}.', { user: 'user #3 (…c57)', permission: 'wallet', through: '' }],
    ['{{a}}{{b}}{{a}}', { a: 1, b: '$& $1 $$' }],
    ['{{missing}} stays, {{ x }} too, {{toString}} and {{constructor}}', { y: 'z' }],
    ['{{ un closed {{a} {{a}}}}', { a: 'A' }],
    ['{{a}}', undefined],
  ])('fills %j as one regular-expression replace does', (template, data) => {
    expect(fillTemplate(template, data)).toBe(reference(template, data));
    expect(fillTemplate(template, data)).toBe(reference(template, data)); // the split template, reused
  });
});
