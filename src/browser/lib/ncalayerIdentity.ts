// Verifying an identity with NCALayer: the service's challenge is signed there with the
// citizen's eID key, and the signature verified by the service.
import { api, message } from '../common.js';
import { groupOf, showFeedback } from './feedback.js';
import { ncalayerSign } from './ncalayer.js';

export async function verifyWithNcaLayer(button: HTMLElement): Promise<void> {
  const { challenge } = await api<{ challenge: string }>('POST', '/v1/identity/x509/challenge');
  showFeedback(groupOf(button), 'success', message('citizen.ncalayer.confirm'));
  // The challenge is ASCII; NCALayer decodes the base64 and signs those bytes.
  const signedData = await ncalayerSign(button.dataset.url ?? '', btoa(challenge));
  await api('POST', '/v1/identity/x509/verify', { challenge, signedData });
  location.assign('/enroll');
}
