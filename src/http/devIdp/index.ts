export type { DevIdpClient } from './authorizeRequest.js';
export {
  ACCESS_TOKEN_LIFETIME_MS,
  type AccessGrant,
  CODE_LIFETIME_MS,
  type CodeGrant,
  type DevIdpGrantStores,
  newGrantValue,
  type TokenStore,
} from './codeStore.js';
export { createDevIdp, DEFAULT_DEV_ACR, type DevIdpSettings } from './devIdp.js';
export { generateDevIdpSigningKey } from './signingKey.js';
export { TEST_PERSONS, type TestPerson } from './testPersons.js';
