import * as flatbuffers from 'flatbuffers';
import * as fb from '../../src/flatbuffers/generated/nanoapi_generated';

/**
 * A TopicConfirmation Envelope without credentials whose `accounts` vector has `entries` items
 * that all point at one shared string of `stringBytes` bytes: legal flatbuffers (shared offsets),
 * small on the wire, huge when every entry is decoded into its own string.
 */
export function sharedStringTopicConfirmation(entries: number, stringBytes: number, fill = 'x'): Uint8Array {
  const builder = new flatbuffers.Builder(stringBytes + entries * 4 + 1024);
  const shared = builder.createString(fill.repeat(Math.ceil(stringBytes / fill.length)).slice(0, stringBytes));
  const accounts = fb.TopicConfirmationOptions.createAccountsVector(builder, new Array<number>(entries).fill(shared));
  fb.TopicConfirmationOptions.startTopicConfirmationOptions(builder);
  fb.TopicConfirmationOptions.addAccounts(builder, accounts);
  const options = fb.TopicConfirmationOptions.endTopicConfirmationOptions(builder);
  fb.TopicConfirmation.startTopicConfirmation(builder);
  fb.TopicConfirmation.addOptions(builder, options);
  const message = fb.TopicConfirmation.endTopicConfirmation(builder);
  fb.Envelope.startEnvelope(builder);
  fb.Envelope.addMessageType(builder, fb.Message.TopicConfirmation);
  fb.Envelope.addMessage(builder, message);
  builder.finish(fb.Envelope.endEnvelope(builder));
  return builder.asUint8Array();
}
