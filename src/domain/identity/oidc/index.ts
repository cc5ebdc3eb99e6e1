export { ACCEPTED_ALGORITHMS } from './idToken.js';
export {
  createOidcClient,
  type OidcAuthorizationRequest,
  type OidcClient,
  type OidcSourceSettings,
} from './oidcClient.js';
export type { ProviderFailureReason } from './providerHttp.js';
export type { OidcRefusalReason } from './refusals.js';
