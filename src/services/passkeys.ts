// Passkey registration and sign-in, in options/verify pairs as SimpleWebAuthn shapes them.
// User verification is required on both; every challenge is single-use and expires.

import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { fromBase64Url, fromUtf8, toBase64Url } from '../domain/encoding.js';
import {
  LastPasskeyError,
  MalformedRequestError,
  PasskeyNotFoundError,
  PasskeyVerificationFailedError,
} from '../domain/errors.js';
import type { PasskeyRow } from '../store/database.js';
import { appendAudit } from '../store/repositories/auditLog.js';
import { findIdentityById } from '../store/repositories/identities.js';
import {
  advancePasskeyCounter,
  countPasskeys,
  deletePasskey,
  findPasskey,
  insertPasskey,
  listPasskeys,
  renamePasskey,
} from '../store/repositories/passkeys.js';
import { consumeChallenge, issueChallenge } from './challenges.js';
import type { ServiceContext } from './context.js';
import { type Session, startSession } from './sessions.js';

/** Reads the challenge out of clientDataJSON so the stored one can be looked up and consumed. */
function challengeOf(response: { response?: { clientDataJSON?: unknown } }): string {
  const encoded = response?.response?.clientDataJSON;
  if (typeof encoded !== 'string') throw new MalformedRequestError('response.clientDataJSON is missing');
  try {
    const clientData = JSON.parse(fromUtf8(fromBase64Url(encoded))) as { challenge?: unknown };
    if (typeof clientData.challenge !== 'string' || clientData.challenge === '') throw new Error();
    return clientData.challenge;
  } catch {
    throw new MalformedRequestError('response.clientDataJSON is not base64url JSON with a challenge');
  }
}

function verificationFailed(error: unknown): PasskeyVerificationFailedError {
  // SimpleWebAuthn's messages name the failed check (origin, RP ID, UV, counter...) and
  // carry no secrets, so they are passed on to help the client.
  const detail = error instanceof Error ? error.message : 'The passkey response was not accepted';
  return new PasskeyVerificationFailedError(detail);
}

export async function passkeyRegistrationOptions(
  ctx: ServiceContext,
  session: Session,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const identity = await findIdentityById(ctx.db, session.identityId);
  if (!identity) throw new PasskeyVerificationFailedError('The identity of this session no longer exists');
  const existing = await listPasskeys(ctx.db, identity.id);
  const options = await generateRegistrationOptions({
    rpName: ctx.config.rpName,
    rpID: ctx.config.rpId,
    // The user name is shown by the authenticator's account picker; it must not be the
    // national ID, so it is a neutral label plus the last digits of the opaque identity ID.
    userName: `wallet-attest ${identity.id.slice(-6)}`,
    userID: fromBase64Url(identity.webauthn_user_id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: JSON.parse(p.transports) as string[] })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
    timeout: ctx.config.challengeSeconds * 1000,
  });
  await issueChallenge(ctx, {
    purpose: 'webauthn.registration',
    binding: session.id,
    value: options.challenge,
  });
  return options;
}

export async function verifyPasskeyRegistration(
  ctx: ServiceContext,
  session: Session,
  response: RegistrationResponseJSON,
  name?: string,
): Promise<{ passkey: PasskeyRow; token?: string; session: Session }> {
  const challenge = challengeOf(response);
  await consumeChallenge(ctx, { purpose: 'webauthn.registration', binding: session.id, value: challenge });
  let verification: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ctx.config.origin,
      expectedRPID: ctx.config.rpId,
      requireUserVerification: true,
    });
  } catch (error) {
    throw verificationFailed(error);
  }
  if (!verification.verified) throw new PasskeyVerificationFailedError('The registration was not verified');
  const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
  const now = ctx.clock.now();

  return ctx.units.run(async (trx) => {
    if (await findPasskey(trx, credential.id)) {
      throw new PasskeyVerificationFailedError('This passkey is already registered');
    }
    const count = await countPasskeys(trx, session.identityId);
    const passkey: PasskeyRow = {
      id: credential.id,
      identity_id: session.identityId,
      public_key: toBase64Url(credential.publicKey),
      counter: credential.counter,
      transports: JSON.stringify(credential.transports ?? []),
      device_type: credentialDeviceType,
      backed_up: credentialBackedUp ? 1 : 0,
      name: name ?? `Passkey ${count + 1}`,
      created_at: now.toISOString(),
      last_used_at: null,
    };
    await insertPasskey(trx, passkey);
    await appendAudit(
      trx,
      {
        actorType: 'citizen',
        actorId: session.identityId,
        action: 'passkey.registered',
        subjectType: 'passkey',
        subjectId: passkey.id,
        details: { identityId: session.identityId, deviceType: credentialDeviceType },
      },
      now,
    );
    if (session.kind === 'full') return { passkey, session };
    // The enrollment session has done its one job: replace it by a full session, carrying
    // over when the identity was verified (it allows removing the last passkey for a while).
    await trx.deleteFrom('sessions').where('id', '=', session.id).execute();
    const upgraded = await startSession(ctx, trx, {
      identityId: session.identityId,
      kind: 'full',
      identityVerifiedAt: session.identityVerifiedAt,
      passkeyVerifiedAt: now,
    });
    return { passkey, token: upgraded.token, session: upgraded.session };
  });
}

/** Options for a discoverable-credential sign-in; `binding` is the browser's flow cookie. */
export async function passkeyAuthenticationOptions(
  ctx: ServiceContext,
  binding: string,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: ctx.config.rpId,
    userVerification: 'required',
    timeout: ctx.config.challengeSeconds * 1000,
  });
  await issueChallenge(ctx, { purpose: 'webauthn.authentication', binding, value: options.challenge });
  return options;
}

export async function verifyPasskeyAuthentication(
  ctx: ServiceContext,
  binding: string,
  response: AuthenticationResponseJSON,
  previous?: Session,
): Promise<{ token: string; session: Session }> {
  const challenge = challengeOf(response);
  await consumeChallenge(ctx, { purpose: 'webauthn.authentication', binding, value: challenge });
  if (typeof response.id !== 'string') throw new MalformedRequestError('id is missing');
  const passkey = await findPasskey(ctx.db, response.id);
  if (!passkey) throw new PasskeyVerificationFailedError('This passkey is not registered (or was removed)');
  const identity = await findIdentityById(ctx.db, passkey.identity_id);
  const userHandle = response.response?.userHandle;
  if (!identity || (userHandle !== undefined && userHandle !== identity.webauthn_user_id)) {
    throw new PasskeyVerificationFailedError('The passkey does not belong to the account it names');
  }
  let verification: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: ctx.config.origin,
      expectedRPID: ctx.config.rpId,
      credential: {
        id: passkey.id,
        publicKey: fromBase64Url(passkey.public_key),
        counter: Number(passkey.counter),
        transports: JSON.parse(passkey.transports),
      },
      requireUserVerification: true,
    });
  } catch (error) {
    throw verificationFailed(error);
  }
  if (!verification.verified) throw new PasskeyVerificationFailedError('The assertion was not verified');
  const now = ctx.clock.now();

  return ctx.units.run(async (trx) => {
    const advanced = await advancePasskeyCounter(
      trx,
      passkey.id,
      Number(passkey.counter),
      verification.authenticationInfo.newCounter,
      now,
    );
    if (!advanced) throw new PasskeyVerificationFailedError('The passkey was used concurrently; try again');
    // A sign-in always gets a fresh session ID (no fixation); the previous one is dropped.
    if (previous) await trx.deleteFrom('sessions').where('id', '=', previous.id).execute();
    const keepIdentityTime =
      previous?.identityId === passkey.identity_id ? previous.identityVerifiedAt : null;
    await appendAudit(
      trx,
      {
        actorType: 'citizen',
        actorId: passkey.identity_id,
        action: 'passkey.used',
        subjectType: 'passkey',
        subjectId: passkey.id,
        details: { identityId: passkey.identity_id, counter: verification.authenticationInfo.newCounter },
      },
      now,
    );
    return startSession(ctx, trx, {
      identityId: passkey.identity_id,
      kind: 'full',
      identityVerifiedAt: keepIdentityTime,
      passkeyVerifiedAt: now,
    });
  });
}

export interface PasskeySummary {
  id: string;
  name: string;
  deviceType: string;
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export function summarisePasskey(row: PasskeyRow): PasskeySummary {
  return {
    id: row.id,
    name: row.name,
    deviceType: row.device_type,
    backedUp: row.backed_up === 1,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export async function listPasskeySummaries(
  ctx: ServiceContext,
  identityId: string,
): Promise<PasskeySummary[]> {
  return (await listPasskeys(ctx.db, identityId)).map(summarisePasskey);
}

export async function renameOwnPasskey(ctx: ServiceContext, session: Session, id: string, name: string) {
  await ctx.units.run(async (trx) => {
    if (!(await renamePasskey(trx, id, session.identityId, name))) throw new PasskeyNotFoundError();
    await appendAudit(
      trx,
      {
        actorType: 'citizen',
        actorId: session.identityId,
        action: 'passkey.renamed',
        subjectType: 'passkey',
        subjectId: id,
        details: { identityId: session.identityId },
      },
      ctx.clock.now(),
    );
  });
}

/** Removing the last passkey would lock the holder out, so it needs a fresh identity verification. */
export async function removeOwnPasskey(ctx: ServiceContext, session: Session, id: string) {
  const now = ctx.clock.now();
  const recentIdentity =
    session.identityVerifiedAt !== null &&
    now.getTime() - session.identityVerifiedAt.getTime() < ctx.config.session.recentIdentitySeconds * 1000;
  await ctx.units.run(async (trx) => {
    const passkey = await findPasskey(trx, id);
    if (!passkey || passkey.identity_id !== session.identityId) throw new PasskeyNotFoundError();
    if ((await countPasskeys(trx, session.identityId)) <= 1 && !recentIdentity) throw new LastPasskeyError();
    await deletePasskey(trx, id, session.identityId);
    await appendAudit(
      trx,
      {
        actorType: 'citizen',
        actorId: session.identityId,
        action: 'passkey.removed',
        subjectType: 'passkey',
        subjectId: id,
        details: { identityId: session.identityId },
      },
      now,
    );
  });
}
