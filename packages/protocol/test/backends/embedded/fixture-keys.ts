import { blake2b } from '../../../src/crypto/blake2b';
import { deterministicPrivateKey, publicKeyOf, sign } from '../../../src/crypto/ed25519-blake2b';
import { encodeAccount } from '../../../src/crypto/nano-address';
import { stateBlockHash, type StateBlock } from '../../../src/backends/embedded/state-block';

/** The fixture ledger's keys (scripts/gen-ledger.ts derives them from this seed). */
const seed = blake2b(Buffer.from('nano-access fixture ledger v1'), 32);

export function fixtureKey(index: number): { priv: Uint8Array; account: string; publicHex: string } {
  const priv = deterministicPrivateKey(seed, index);
  const pub = publicKeyOf(priv);
  return { priv, account: encodeAccount(pub), publicHex: Buffer.from(pub).toString('hex').toUpperCase() };
}

/** A signed state block (work is not checked by the embedded backend). */
export function signedBlock(
  priv: Uint8Array,
  fields: Omit<StateBlock, 'type' | 'signature' | 'work' | 'link_as_account'>,
): StateBlock & { hash: string } {
  const block: StateBlock = {
    type: 'state',
    ...fields,
    link_as_account: encodeAccount(Buffer.from(fields.link, 'hex')),
    signature: '',
    work: '0000000000000000',
  };
  const hash = stateBlockHash(block);
  block.signature = Buffer.from(sign(priv, Buffer.from(hash, 'hex')))
    .toString('hex')
    .toUpperCase();
  return { ...block, hash };
}
