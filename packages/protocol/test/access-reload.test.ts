import {
  Dispatcher,
  EmbeddedBackend,
  ErrorCode,
  ErrorMessage,
  validateResponseEnvelope,
  type AccessReloadOutcome,
} from '@nano-access/protocol';
import { ADMIN, fixedSource, ledgerData, READER, SERVICE } from './helpers';

const ipc = { transport: 'ipc' as const };
const request = (credentials?: string): Record<string, unknown> => ({
  message_type: 'AccessReload',
  message: {},
  ...(credentials === undefined ? {} : { credentials }),
});

function dispatcherWith(reloadPolicy?: () => Promise<AccessReloadOutcome | null>): Dispatcher {
  return new Dispatcher({ policy: fixedSource(), backend: new EmbeddedBackend(ledgerData()), reloadPolicy });
}

describe('AccessReload (an extension message)', () => {
  it('runs the reloader for a caller with api_access_reload (here through unrestricted) and answers its outcome', async () => {
    const outcome: AccessReloadOutcome = { outcome: 'reloaded', generation: 3, hash: '0123456789abcdef' };
    const reload = jest.fn(async () => outcome);
    const res = await dispatcherWith(reload).handleEnvelope({ ...request(ADMIN), correlation_id: 'r-1' }, ipc);
    expect(res).toMatchObject({ message_type: 'AccessReloadResponse', correlation_id: 'r-1', message: outcome });
    expect(validateResponseEnvelope(res).ok).toBe(true);
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('answers a rejection with its errors, which the response schema accepts', async () => {
    const outcome: AccessReloadOutcome = {
      outcome: 'rejected',
      generation: 2,
      hash: 'none',
      errors: [{ at: 'config-access.toml:3:9', message: 'Unknown permission "x".', rule: 'unknown-permission' }],
    };
    const viaEnvelope = await dispatcherWith(async () => outcome).handleEnvelope(request(ADMIN), ipc);
    expect(viaEnvelope.message).toEqual(outcome);
    expect(validateResponseEnvelope(viaEnvelope).ok).toBe(true);
  });

  it.each([
    ['the default user', undefined],
    ['a user without the permission', READER],
    ['a bare user with other groups', SERVICE],
    ['unknown credentials', 'not-a-configured-key'],
  ])('denies %s with code 3, and never calls the reloader', async (_who, credentials) => {
    const reload = jest.fn(async (): Promise<AccessReloadOutcome> => ({
      outcome: 'unchanged',
      generation: 1,
      hash: 'none',
    }));
    const res = await dispatcherWith(reload).handleEnvelope(request(credentials), ipc);
    expect(res.message).toEqual({ code: ErrorCode.accessDenied, message: ErrorMessage.accessDenied });
    expect(reload).not.toHaveBeenCalled();
  });

  it('answers an error when the server has no reloader, or is stopping', async () => {
    const none = await dispatcherWith().handleEnvelope(request(ADMIN), ipc);
    expect(none.message).toEqual({ code: ErrorCode.generic, message: ErrorMessage.reloadUnavailable });
    const closing = await dispatcherWith(async () => null).handleEnvelope(request(ADMIN), ipc);
    expect(closing.message).toEqual({ code: ErrorCode.exception, message: ErrorMessage.reloadClosed });
    const failing = await dispatcherWith(() => Promise.reject(new Error('bug'))).handleEnvelope(request(ADMIN), ipc);
    expect(failing.message).toEqual({ code: ErrorCode.exception, message: ErrorMessage.internal });
  });

  it('refuses fields in the message (strict schema)', async () => {
    const res = await dispatcherWith(async () => null).handleEnvelope(
      { ...request(ADMIN), message: { force: true } },
      ipc,
    );
    expect(res.message).toMatchObject({ code: ErrorCode.generic });
  });
});
