// Every failure the citizen pages can meet, in the page's language: refusals of the API
// (PageError, from the problem catalogue), WebAuthn ceremonies that did not complete,
// NCALayer (wallets' failures are turned into PageErrors where they are called); never a
// browser's or a library's own wording.
import { WebAuthnError } from '@simplewebauthn/browser';
import { message, PageError } from '../common.js';
import { NcaLayerError } from './ncalayer.js';

/** A failure whose text is a catalogue message of the page. */
export function refusal(key: string, params: Record<string, string | number> = {}): PageError {
  return new PageError(message(key, params));
}

export function webAuthnText(error: unknown): string | undefined {
  const name = error instanceof Error ? error.name : '';
  const code = error instanceof WebAuthnError ? error.code : undefined;
  if (code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED' || name === 'InvalidStateError')
    return message('citizen.webauthn.alreadyRegistered');
  if (code === 'ERROR_CEREMONY_ABORTED' || name === 'NotAllowedError' || name === 'AbortError')
    return message('citizen.webauthn.cancelled');
  if (code === 'ERROR_INVALID_DOMAIN' || code === 'ERROR_INVALID_RP_ID' || name === 'SecurityError')
    return message('citizen.webauthn.insecure');
  if (name === 'NotSupportedError' || code?.startsWith('ERROR_AUTHENTICATOR_'))
    return message('citizen.webauthn.unsupported');
  if (error instanceof WebAuthnError) return message('citizen.webauthn.failed');
  return undefined;
}

function ncaLayerText(error: NcaLayerError): string {
  if (error.reason === 'not-running') return message('citizen.ncalayer.notRunning');
  if (error.detail === 'action.canceled') return message('citizen.ncalayer.cancelled');
  return message('citizen.ncalayer.failed');
}

export function humanText(error: unknown): string {
  if (error instanceof PageError) return error.message;
  if (error instanceof NcaLayerError) return ncaLayerText(error);
  const webAuthn = webAuthnText(error);
  if (webAuthn) return webAuthn;
  return message('error.generic.body');
}
