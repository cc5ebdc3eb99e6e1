// The signed-in citizen links and unlinks blockchain accounts (SPEC "Accounts and proofs").
import { Hono } from 'hono';
import type { Hex } from 'viem';
import { NotFoundError, ValidationError } from '../../domain/errors.js';
import { latestOwnAttestation, renewAttestation } from '../../services/attestations.js';
import {
  issueWalletChallenge,
  linkWithOnchainProof,
  linkWithSignature,
  unlinkOwnBinding,
} from '../../services/wallets.js';
import type { AppEnv } from '../env.js';
import { readJsonBody } from '../json.js';
import { requireSession } from '../middleware/session.js';

export function walletRoutes() {
  const app = new Hono<AppEnv>();
  app.use('*', requireSession('full'));

  app.post('/challenge', async (c) => {
    const { account } = await readJsonBody<{ account: string }>(c, 'wallet-challenge-request');
    const challenge = await issueWalletChallenge(c.get('deps').services, c.get('session')!, account);
    c.header('cache-control', 'no-store');
    return c.json(challenge, 201);
  });

  app.post('/verify', async (c) => {
    const body = await readJsonBody<{ message: string; signature: string }>(c, 'wallet-verify-request');
    const { created, ...result } = await linkWithSignature(c.get('deps').services, c.get('session')!, body);
    return c.json(result, created ? 201 : 200);
  });

  app.post('/onchain-proof', async (c) => {
    const body = await readJsonBody<{ account: string; txHash: Hex }>(c, 'wallet-onchain-proof-request');
    const { created, ...result } = await linkWithOnchainProof(
      c.get('deps').services,
      c.get('session')!,
      body,
    );
    return c.json(result, created ? 201 : 200);
  });

  app.post('/:bindingId/renew', async (c) => {
    const attestation = await renewAttestation(
      c.get('deps').services,
      c.get('session')!,
      c.req.param('bindingId'),
    );
    return c.json({ attestation }, 201);
  });

  // The newest attestation, to keep or hand to an exchange: JSON with both forms, or one
  // form alone with ?format=jwt (the compact JWS) or ?format=eip712 (the EAS package).
  app.get('/:bindingId/attestation', async (c) => {
    const attestation = await latestOwnAttestation(
      c.get('deps').services,
      c.get('session')!,
      c.req.param('bindingId'),
    );
    const format = c.req.query('format') ?? 'json';
    c.header('cache-control', 'no-store');
    const name = `wallet-attestation-${attestation.id}`;
    switch (format) {
      case 'jwt':
        c.header('content-type', 'application/wallet-attestation+jwt');
        c.header('content-disposition', `attachment; filename="${name}.jwt"`);
        return c.body(attestation.jwt);
      case 'eip712':
        if (!attestation.eip712) {
          throw new NotFoundError('This attestation has no EIP-712 form: only eip155 accounts get one');
        }
        c.header('content-disposition', `attachment; filename="${name}.eas.json"`);
        return c.json(attestation.eip712);
      case 'json':
        return c.json({ attestation });
      default:
        throw new ValidationError('format must be json, jwt or eip712', { errors: [{ pointer: '/format' }] });
    }
  });

  app.delete('/:bindingId', async (c) => {
    const binding = await unlinkOwnBinding(
      c.get('deps').services,
      c.get('session')!,
      c.req.param('bindingId'),
    );
    return c.json({ binding });
  });

  return app;
}
