// Solana accounts over real HTTP: Sign-In With Solana messages signed with generated
// ed25519 keys (the bytes solana:signIn and solana:signMessage sign), in base58, base64 or
// hex, and what must not pass (another key, a truncated or malformed signature).
import { base64 } from '@scure/base';
import { stringToBytes, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { SOLANA_DEVNET, SOLANA_MAINNET, solanaSigner } from '../wallets/namespaceSigners.js';
import { namespaceLinkingSuite } from '../wallets/namespaceSuite.js';
import { expectProblem } from './citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from './walletFlow.js';

namespaceLinkingSuite({
  blockchain: 'Solana',
  chain: SOLANA_MAINNET,
  unconfiguredChain: SOLANA_DEVNET,
  chainIdLine: 'solana:mainnet',
  method: 'siws',
  newSigner: () => solanaSigner(),
});

describe('Solana signatures', () => {
  it('take base64 and hex too, and refuse malformed signatures', async () => {
    const server = await startTestServer({ CHAINS: `${SOLANA_MAINNET},${SOLANA_DEVNET}` });
    try {
      const [citizen] = await signedInCitizens(server, 1);
      const signer = solanaSigner();

      const devnet = await askChallenge(citizen!.browser, `${SOLANA_DEVNET}:${signer.address}`);
      expect(devnet.message).toContain('\nChain ID: solana:devnet\n');

      const short = await askChallenge(citizen!.browser, `${SOLANA_MAINNET}:${signer.address}`);
      await expectProblem(
        await submitSignature(citizen!.browser, short.message, base64.encode(new Uint8Array(63))),
        422,
        'signature-invalid',
      );

      const zero = await askChallenge(citizen!.browser, `${SOLANA_MAINNET}:${signer.address}`);
      await expectProblem(
        await submitSignature(citizen!.browser, zero.message, base64.encode(new Uint8Array(64))),
        422,
        'signature-invalid',
      );

      const signature = signer.signBytes(stringToBytes(devnet.message));
      expect((await submitSignature(citizen!.browser, devnet.message, base64.encode(signature))).status).toBe(
        201,
      );
      const again = await askChallenge(citizen!.browser, `${SOLANA_DEVNET}:${signer.address}`);
      const hex = toHex(signer.signBytes(stringToBytes(again.message)));
      expect((await submitSignature(citizen!.browser, again.message, hex)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
