export { ACCEPTED_ALGORITHMS, type IdTokenRefusalReason } from './idToken.js';
export {
  createOidcClient,
  type OidcAuthorizationRequest,
  type OidcClient,
  type OidcSourceSettings,
} from './oidcClient.js';
export type { ProviderFailureReason } from './providerHttp.js';
