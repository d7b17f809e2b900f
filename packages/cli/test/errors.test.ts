import * as cli from '@nano-access/cli';
import * as gateway from '@nano-access/gateway';
import * as ipcServer from '@nano-access/ipc-server';
import * as linter from '@nano-access/linter';
import * as parser from '@nano-access/parser';
import * as protocol from '@nano-access/protocol';
import * as reloader from '@nano-access/reloader';
import * as resolver from '@nano-access/resolver';

// One error shape across the packages: each declares its codes with defineErrorCodes in its
// src/errors.ts and exports them as errorCodes; each error class extends NanoAccessError.
const tables: Record<string, [readonly string[], Readonly<Record<string, string>>]> = {
  parser: [parser.errorCodes, parser.ParserErrorCode],
  resolver: [resolver.errorCodes, resolver.ResolverErrorCode],
  reloader: [reloader.errorCodes, reloader.ReloadErrorCode],
  linter: [linter.errorCodes, linter.LinterErrorCode],
  protocol: [protocol.errorCodes, protocol.ProtocolErrorCode],
  'ipc-server': [ipcServer.errorCodes, ipcServer.IpcErrorCode],
  gateway: [gateway.errorCodes, gateway.GatewayErrorCode],
  cli: [cli.errorCodes, cli.CliErrorCode],
};

describe('one error shape in every package', () => {
  it.each(Object.keys(tables))('%s exports errorCodes as its frozen table lists them', (name) => {
    const [codes, table] = tables[name];
    expect(Object.isFrozen(table)).toBe(true);
    expect([...codes]).toEqual(Object.values(table));
  });

  it('every error class a package throws is a NanoAccessError with a code of its own table', () => {
    const errors = [
      new parser.ParserError(parser.ParserErrorCode.schemaInvalid, 'x'),
      new resolver.PolicyError(resolver.ResolverErrorCode.permissionUnknown, 'x'),
      new reloader.PolicyStoreError(reloader.ReloadErrorCode.storeClosed, 'x'),
      new linter.LinterError(linter.LinterErrorCode.ruleSettingInvalid, 'x'),
      new protocol.ProtocolError(protocol.ProtocolErrorCode.badOption, 'x'),
      new ipcServer.IpcError(ipcServer.IpcErrorCode.badOptions, 'x'),
      new gateway.GatewayError(gateway.GatewayErrorCode.badOption, 'x'),
    ];
    expect(errors.map((e) => [e instanceof parser.NanoAccessError, e.name])).toEqual([
      [true, 'ParserError'],
      [true, 'PolicyError'],
      [true, 'PolicyStoreError'],
      [true, 'LinterError'],
      [true, 'ProtocolError'],
      [true, 'IpcError'],
      [true, 'GatewayError'],
    ]);
  });
});
