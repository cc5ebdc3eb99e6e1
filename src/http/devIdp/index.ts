export type { DevIdpClient } from './authorizeRequest.js';
export { createDevIdp, DEFAULT_DEV_ACR, type DevIdpSettings } from './devIdp.js';
export { generateDevIdpSigningKey } from './signingKey.js';
export { TEST_PERSONS, type TestPerson } from './testPersons.js';
