import { encodeAccount } from '@nano-access/protocol';
import { parseStateBlock } from '../../src/backends/embedded/state-block';
import { deterministicPrivateKey, publicKeyOf, randomPrivateKey, sign, verify } from '../../src/crypto/ed25519-blake2b';
import { decodeAccount } from '../../src/crypto/nano-address';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex').toUpperCase();
const bytes = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

/** Key pairs published in the node's RPC documentation (key_expand / key_create, deterministic_key). */
const PUBLISHED = [
  {
    private: '781186FB9EF17DB6E3D1056550D9FAE5D5BBADA6A6BC370E4CBB938B1DC71DA3',
    public: '3068BB1CA04525BB0E416C485FE6A67FD52540227D267CC8B6E8DA958A7FA039',
    account: 'nano_1e5aqegc1jb7qe964u4adzmcezyo6o146zb8hm6dft8tkp79za3sxwjym5rx',
  },
  {
    private: '9F0E444C69F77A49BD0BE89DB92C38FE713E0963165CCA12FAF5712D7657120F',
    public: 'C008B814A7D269A1FA3C6528B19201A24D797912DB9996FF02A1FF356E45552B',
    account: 'nano_3i1aq1cchnmbn9x5rsbap8b15akfh7wj7pwskuzi7ahz8oq6cobd99d4r3b7',
  },
];

/** Blocks from the live network, as the node documentation shows them (block_info, block_hash). */
const LIVE_BLOCKS = [
  {
    hash: '87434F8041869A01C8F6F263B87972D7BA443A72E0A97D7A3FD0CCC2358FD6F9',
    block: {
      type: 'state',
      account: 'nano_1ipx847tk8o46pwxt5qjdbncjqcbwcc1rrmqnkztrfjy5k7z4imsrata9est',
      previous: 'CE898C131AAEE25E05362F247760F8A3ACF34A9796A5AE0D9204E86B0637965E',
      representative: 'nano_1stofnrxuz3cai7ze75o174bpm7scwj9jn3nxsn8ntzg784jf1gzn1jjdkou',
      balance: '5606157000000000000000000000000000000',
      link: '5D1AA8A45F8736519D707FCB375976A7F9AF795091021D7E9C7548D6F45DD8D5',
      link_as_account: 'nano_1qato4k7z3spc8gq1zyd8xeqfbzsoxwo36a45ozbrxcatut7up8ohyardu1z',
      signature:
        '82D41BC16F313E4B2243D14DFFA2FB04679C540C2095FEE7EAE0F2F26880AD56DD48D87A7CC5DD760C5B2D76EE2C205506AA557BF00B60D8DEE312EC7343A501',
      work: '8a142e07a10996d5',
    },
  },
  {
    hash: 'FF0144381CFF0B2C079A115E7ADA7E96F43FD219446E7524C48D1CC9900C4F17',
    block: {
      type: 'state',
      account: 'nano_3qgmh14nwztqw4wmcdzy4xpqeejey68chx6nciczwn9abji7ihhum9qtpmdr',
      previous: 'F47B23107E5F34B2CE06F562B5C435DF72A533251CB414C51B2B62A8F63A00E4',
      representative: 'nano_1hza3f7wiiqa7ig3jczyxj5yo86yegcmqk3criaz838j91sxcckpfhbhhra1',
      balance: '1000000000000000000000',
      link: '19D3D919475DEED4696B5D13018151D1AF88B2BD3BCFF048B45031C1F36D1858',
      link_as_account: 'nano_18gmu6engqhgtjnppqam181o5nfhj4sdtgyhy36dan3jr9spt84rzwmktafc',
      signature:
        '3BFBA64A775550E6D49DF1EB8EEC2136DCD74F090E2ED658FBD9E80F17CB1C9F9F7BDE2B93D95558EC2F277FFF15FD11E6E2162A1714731B743D1E941FA4560A',
      work: 'cab7404f0b5449d0',
    },
  },
];

describe('Ed25519-BLAKE2b (@noble/curves over BLAKE2b-512)', () => {
  it("derives the public keys and accounts of the node documentation's published pairs", () => {
    for (const pair of PUBLISHED) {
      const publicKey = publicKeyOf(bytes(pair.private));
      expect(hex(publicKey)).toBe(pair.public);
      expect(encodeAccount(publicKey)).toBe(pair.account);
    }
  });

  it('derives the documented deterministic key: seed 0, index 0', () => {
    expect(hex(deterministicPrivateKey(new Uint8Array(32), 0))).toBe(PUBLISHED[1].private);
  });

  it('verifies the signatures of live-network blocks and refuses them on any other hash', () => {
    for (const { hash, block } of LIVE_BLOCKS) {
      const parsed = parseStateBlock(block);
      expect(parsed.ok && parsed.hash).toBe(hash);
      const key = decodeAccount(block.account)!;
      expect(verify(key, bytes(hash), bytes(block.signature))).toBe(true);
      const other = bytes(hash);
      other[0] ^= 1;
      expect(verify(key, other, bytes(block.signature))).toBe(false);
    }
  });

  it('verifies its own signatures and refuses malformed ones', () => {
    const key = randomPrivateKey();
    expect(key).toHaveLength(32);
    const publicKey = publicKeyOf(key);
    const message = new Uint8Array(32).fill(1);
    const signature = sign(key, message);
    expect(verify(publicKey, message, signature)).toBe(true);
    expect(verify(publicKey, new Uint8Array(32).fill(2), signature)).toBe(false);
    expect(verify(publicKey, message, new Uint8Array(64))).toBe(false);
    expect(verify(publicKey, message, signature.subarray(0, 63))).toBe(false);
    expect(verify(new Uint8Array(31), message, signature)).toBe(false);
    // S at or above the group order is refused (strict RFC 8032).
    const high = Uint8Array.from(signature);
    high.fill(0xff, 32);
    expect(verify(publicKey, message, high)).toBe(false);
  });
});
