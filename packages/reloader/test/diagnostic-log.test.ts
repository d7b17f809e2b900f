import type { Diagnostic } from '@nano-access/parser';
import { diagnosticLogMessage, logDiagnostics } from '../src/diagnostic-log';
import { captureLogger } from './helpers';

const at = (line: number, column: number): Diagnostic['span'] => ({
  start: { line, column, offset: 0 },
  end: { line, column: column + 1, offset: 1 },
});
const error: Diagnostic = {
  ruleId: 'unknown-role',
  severity: 'error',
  message: 'Unknown role "ghost".',
  file: 'config-access.toml',
  span: at(9, 10),
  messageId: 'unknownRole',
};
const warning: Diagnostic = {
  ruleId: 'empty-item',
  severity: 'warning',
  message: 'Empty item in "allow" is ignored.',
  file: 'config-access.toml',
  span: at(3, 22),
};

describe('diagnostic log lines', () => {
  it('writes a log message as file:line:col message (rule), the severity being the level', () => {
    expect(diagnosticLogMessage(error)).toBe('config-access.toml:9:10 Unknown role "ghost". (unknown-role)');
  });

  it('logs errors at error level and warnings at warn level, with place and rule as fields', () => {
    const { logger, records } = captureLogger();
    logDiagnostics(logger, [error, warning], { generation: 4 });
    expect(records()).toEqual([
      expect.objectContaining({
        level: 50,
        at: 'config-access.toml:9:10',
        rule: 'unknown-role',
        messageId: 'unknownRole',
        generation: 4,
        msg: 'config-access.toml:9:10 Unknown role "ghost". (unknown-role)',
      }),
      expect.objectContaining({ level: 40, at: 'config-access.toml:3:22', rule: 'empty-item', severity: 'warning' }),
    ]);
  });
});
