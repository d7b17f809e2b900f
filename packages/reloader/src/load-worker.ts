/**
 * The worker thread of an off-thread reload (off-thread-load.ts starts it): reads the access file
 * with the same strict reader as every other load, and on request decodes, parses, compiles and
 * inspects it, then posts the policy back as a PolicyTransfer. One reload per worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { exportPolicy, loadPolicy, transferBuffers } from '@nano-access/resolver';
import type { Catalog } from '@nano-access/resolver';
import { userIdLengths } from '@nano-access/parser';
import type { AccessFileFacts, Diagnostic } from '@nano-access/parser';
import { redactDiagnostics } from './credential-redaction';
import { decodeAccessFile, readAccessFile } from './read-access-file';
import type { LoadRequest, WorkerReply, WorkerSetup } from './off-thread-protocol';
import type { PolicyInspector } from './types';

const setup = workerData as WorkerSetup;
const port = parentPort;

function post(reply: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(reply, transfer);
}

function failed(error: unknown): void {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}

async function main(): Promise<void> {
  const read = await readAccessFile(setup.file, {
    maxBytes: setup.maxBytes,
    timeoutMs: setup.timeoutMs,
    displayName: setup.displayName,
  });
  if (read.kind !== 'ok') {
    post({ type: 'read', read });
    return;
  }
  post({ type: 'read', read: { kind: 'ok', hash: read.hash, facts: read.facts, size: read.bytes.length } });
  port?.once('message', (request: LoadRequest) => {
    try {
      load(read.bytes, read.facts, request);
    } catch (error) {
      failed(error);
    }
  });
}

function load(bytes: Buffer, facts: AccessFileFacts | null, request: LoadRequest): void {
  if (request.type !== 'load') return;
  const { displayName } = setup;
  const decoded = decodeAccessFile(bytes, displayName);
  if (!decoded.ok) {
    post({ type: 'not-utf8', code: decoded.code, message: decoded.message, diagnostic: decoded.diagnostic });
    return;
  }
  const text = decoded.text;
  const catalog: Catalog | undefined = setup.catalog;
  const loaded = loadPolicy(text, { file: displayName, catalog });
  const diagnostics = redactDiagnostics(loaded.diagnostics, text, displayName);
  if (loaded.policy === null) {
    post({ type: 'loaded', diagnostics, transfer: null, findings: [], idLengths: [] });
    return;
  }
  let findings: readonly Diagnostic[] = [];
  let inspectError: string | undefined;
  if (setup.inspectModule !== undefined) {
    try {
      const inspect = (require(setup.inspectModule.module) as Record<string, PolicyInspector>)[
        setup.inspectModule.name
      ];
      findings = inspect({
        text,
        file: displayName,
        catalog,
        loaded: { ...loaded, policy: loaded.policy },
        fileFacts: facts,
      });
    } catch (error) {
      inspectError = error instanceof Error ? error.message : String(error);
    }
  }
  const idLengths = userIdLengths(loaded.model);
  const transfer = exportPolicy(loaded.policy);
  post(
    {
      type: 'loaded',
      diagnostics,
      transfer,
      findings: [...findings],
      idLengths: [...idLengths],
      ...(inspectError === undefined ? {} : { inspectError }),
    },
    transferBuffers(transfer),
  );
}

main().catch(failed);
