// TRON accounts over real HTTP: TIP-191 signMessageV2 proofs made with generated keys,
// and what must not pass (a signMessage v1 signature, high s, another network).

import { keccak256, stringToBytes } from 'viem';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { malleate, TRON_MAINNET, TRON_SHASTA, tronSigner } from '../wallets/namespaceSigners.js';
import { namespaceLinkingSuite } from '../wallets/namespaceSuite.js';
import { expectProblem } from './citizenFlow.js';
import { askChallenge, signedInCitizens, submitSignature } from './walletFlow.js';

namespaceLinkingSuite({
  blockchain: 'TRON',
  chain: TRON_MAINNET,
  unconfiguredChain: TRON_SHASTA,
  chainIdLine: '0x2b6653dc',
  method: 'tip191',
  newSigner: () => tronSigner(),
});

describe('TRON signatures', () => {
  it('accept only signMessageV2 in canonical form, and only for the chain in the message', async () => {
    const server = await startTestServer({ CHAINS: `${TRON_MAINNET},${TRON_SHASTA}` });
    try {
      const [citizen] = await signedInCitizens(server, 1);
      const signer = tronSigner();
      const account = `${TRON_MAINNET}:${signer.address}`;

      const v1 = await askChallenge(citizen!.browser, account);
      const v1Refusal = await expectProblem(
        await submitSignature(
          citizen!.browser,
          v1.message,
          signer.signV1(keccak256(stringToBytes(v1.message))),
        ),
        422,
        'signature-invalid',
      );
      expect(v1Refusal.detail).toContain('signMessageV2');

      const high = await askChallenge(citizen!.browser, account);
      await expectProblem(
        await submitSignature(
          citizen!.browser,
          high.message,
          malleate(signer.sign(high.message) as `0x${string}`),
        ),
        422,
        'signature-not-canonical',
      );

      // A Shasta challenge signed by the key is no proof for mainnet: its message differs.
      const shasta = await askChallenge(citizen!.browser, `${TRON_SHASTA}:${signer.address}`);
      const onMainnet = await askChallenge(citizen!.browser, account);
      const crossed = await expectProblem(
        await submitSignature(
          citizen!.browser,
          shasta.message.replace(shasta.nonce, onMainnet.nonce),
          signer.sign(shasta.message.replace(shasta.nonce, onMainnet.nonce)),
        ),
        400,
        'message-mismatch',
      );
      expect((crossed as { fields?: string[] }).fields).toContain('chainId');

      const good = await askChallenge(citizen!.browser, account);
      // Bare hex, as some TronWeb versions return it, is the same signature.
      const response = await submitSignature(
        citizen!.browser,
        good.message,
        signer.sign(good.message).slice(2),
      );
      expect(response.status, await response.clone().text()).toBe(201);
    } finally {
      await server.close();
    }
  });
});
