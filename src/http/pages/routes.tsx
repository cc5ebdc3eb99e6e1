// The citizen's pages. They hold no secrets and do all work through the JSON API with
// the scripts built from src/browser (strict CSP: no inline scripts or styles).
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { Layout, type LayoutProps } from './layout.js';

/** The layout's request-dependent props: language, address, the citizen script. */
export function pageFrame(c: Context<AppEnv>): Pick<LayoutProps, 'locale' | 'url' | 'scripts'> {
  const url = new URL(c.req.url);
  return { locale: c.get('locale'), url: `${url.pathname}${url.search}`, scripts: ['citizen'] };
}

export function pageRoutes() {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => {
    const sources = c.get('config').identitySources;
    return c.html(
      <Layout {...pageFrame(c)} title="Sign in">
        <h1>Link your crypto accounts to your verified identity</h1>
        <section>
          <h2>Already registered?</h2>
          <button type="button" id="passkey-sign-in">
            Sign in with a passkey
          </button>
        </section>
        <section>
          <h2>New here, or lost your passkey?</h2>
          <p>Verify your identity first; then register a passkey on this device.</p>
          <ul class="actions">
            {sources.includes('oidc') && (
              <li>
                <a class="button" href="/v1/identity/oidc/start?source=oidc">
                  Verify with the national identity provider
                </a>
              </li>
            )}
            {sources.includes('dev') && (
              <li>
                <a class="button" href="/v1/identity/oidc/start?source=dev">
                  Verify with the development identity provider
                </a>
              </li>
            )}
            {c.get('config').x509?.ncalayerUrl && (
              <li>
                <button type="button" id="ncalayer-sign" data-url={c.get('config').x509?.ncalayerUrl}>
                  Sign with NCALayer
                </button>
              </li>
            )}
            {sources.includes('x509') && (
              <li>
                National eID certificate: your eID signing software calls{' '}
                <code>POST /v1/identity/x509/challenge</code> and <code>POST /v1/identity/x509/verify</code>.
              </li>
            )}
          </ul>
        </section>
        <p id="status" role="status" aria-live="polite" />
      </Layout>,
    );
  });

  app.get('/enroll', (c) =>
    c.html(
      <Layout {...pageFrame(c)} title="Register a passkey">
        <h1>Your identity is verified</h1>
        <p>Register a passkey on this device. You will use it to sign in and to confirm wallet links.</p>
        <label>
          Passkey name <input id="passkey-name" maxlength={64} placeholder="e.g. My phone" />
        </label>
        <button type="button" id="passkey-register">
          Register a passkey
        </button>
        <p id="status" role="status" aria-live="polite" />
      </Layout>,
    ),
  );

  app.get('/account', (c) =>
    c.html(
      <Layout {...pageFrame(c)} title="Your account">
        <h1>Your account</h1>
        <section id="identity" />
        <h2>Passkeys</h2>
        <ul id="passkeys" />
        <button type="button" id="passkey-add">
          Add a passkey
        </button>
        <h2>Linked accounts</h2>
        <ul id="bindings" />
        <section id="link">
          <h3>Link an account</h3>
          <p>
            Linking asks for your passkey, then for proof that you control the account: a signature from your
            wallet, or a transaction from the account to our registry contract.
          </p>
          <button type="button" id="link-wallet">
            Link the Ethereum account in my browser wallet
          </button>
          <button type="button" id="link-solana">
            Link a Solana wallet
          </button>
          <button type="button" id="link-tron">
            Link with TronLink
          </button>
          <details>
            <summary>Another wallet, or an on-chain proof</summary>
            <label>
              Address, or account (CAIP-10){' '}
              <input id="link-account" placeholder="0x…, T…, bc1… or eip155:1:0x…" size={60} />
            </label>
            <select id="link-chain" hidden />
            <button type="button" id="link-challenge">
              Get the message to sign
            </button>
            <pre id="link-message" />
            <label>
              Signature <input id="link-signature" placeholder="0x… (hex) or base64 / base58" size={60} />
            </label>
            <button type="button" id="link-submit-signature">
              Submit the signature
            </button>
            <label>
              Or the hash of your proveControl transaction <input id="link-tx" placeholder="0x…" size={60} />
            </label>
            <button type="button" id="link-submit-tx">
              Submit the transaction
            </button>
          </details>
        </section>
        <button type="button" id="sign-out">
          Sign out
        </button>
        <p id="status" role="status" aria-live="polite" />
      </Layout>,
    ),
  );

  app.get('/assets/:name', (c) => {
    const asset = c.get('deps').assets[c.req.param('name')];
    if (!asset) return c.notFound();
    c.header('content-type', asset.contentType);
    c.header('cache-control', 'public, max-age=3600');
    return c.body(asset.body);
  });

  return app;
}
