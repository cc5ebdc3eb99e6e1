// pkijs over the platform's Web Crypto: the same code runs on Node 20+ and Cloudflare Workers.
// A private engine (rather than pkijs's global one) so no other module can swap it under us.
import * as pkijs from 'pkijs';

let engine: pkijs.ICryptoEngine | undefined;

export function webCryptoEngine(): pkijs.ICryptoEngine {
  engine ??= new pkijs.CryptoEngine({ name: 'webcrypto', crypto: globalThis.crypto });
  return engine;
}
