// The two passkey ceremonies against the API: registration (named) and sign-in, which
// also serves as the step-up before linking an account.
import {
  browserSupportsWebAuthn,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import { api } from '../common.js';
import { refusal } from './errors.js';

function requireWebAuthn(): void {
  if (!browserSupportsWebAuthn()) throw refusal('citizen.webauthn.unsupported');
}

export async function registerPasskey(name: string): Promise<void> {
  requireWebAuthn();
  const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>(
    'POST',
    '/v1/webauthn/registration/options',
  );
  const response = await startRegistration({ optionsJSON });
  await api('POST', `/v1/webauthn/registration/verify?name=${encodeURIComponent(name)}`, response);
}

export async function signInWithPasskey(): Promise<void> {
  requireWebAuthn();
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>(
    'POST',
    '/v1/webauthn/authentication/options',
  );
  const response = await startAuthentication({ optionsJSON });
  await api('POST', '/v1/webauthn/authentication/verify', response);
}

/** The name typed for a new passkey; refused when empty, with the field focused. */
export function passkeyName(input: HTMLInputElement | null): string {
  const name = input?.value.trim() ?? '';
  if (!name) {
    input?.focus();
    throw refusal('citizen.passkeys.nameMissing');
  }
  return name;
}
