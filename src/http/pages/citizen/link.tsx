// Linking an account: through a wallet in the browser, or by hand (a message signed in
// any wallet, or, where the chain has our registry, a proveControl transaction). The
// message box keeps the message byte for byte; the on-chain part shows only when the
// challenge offers it.
import { NETWORK_KEYS } from './keys.js';
import { FeedbackSlot, type Translate } from './page.js';

export function LinkSection({ tr, blocked }: { tr: Translate; blocked: boolean }) {
  if (blocked)
    return (
      <section id="link" aria-labelledby="link-heading">
        <h2 id="link-heading">{tr('citizen.link.heading')}</h2>
        <p>{tr('citizen.link.blocked')}</p>
      </section>
    );
  const networks = Object.fromEntries(
    Object.entries(NETWORK_KEYS).map(([namespace, key]) => [namespace, tr(key)]),
  );
  return (
    <section id="link" aria-labelledby="link-heading" data-networks={JSON.stringify(networks)}>
      <h2 id="link-heading">{tr('citizen.link.heading')}</h2>
      <p>{tr('citizen.link.intro')}</p>
      <div class="wallet-buttons" data-feedback>
        <button type="button" id="link-wallet">
          {tr('citizen.link.ethereum')}
        </button>
        <button type="button" id="link-solana">
          {tr('citizen.link.solana')}
        </button>
        <button type="button" id="link-tron">
          {tr('citizen.link.tron')}
        </button>
        <FeedbackSlot />
      </div>
      <details id="link-manual">
        <summary>{tr('citizen.link.manual')}</summary>
        <div class="step" data-feedback>
          <p class="field">
            <label for="link-account">{tr('citizen.link.accountLabel')}</label>
            <input
              id="link-account"
              autocomplete="off"
              spellcheck={false}
              placeholder="0x…, T…, bc1…, eip155:1:0x…"
            />
          </p>
          <p class="field" id="link-chain-field" hidden>
            <label for="link-chain">{tr('citizen.link.chainLabel')}</label>
            <select id="link-chain" />
          </p>
          <button type="button" id="link-challenge">
            {tr('citizen.link.challenge')}
          </button>
          <FeedbackSlot />
        </div>
        <div class="step" id="link-sign-step" data-feedback hidden>
          <p class="field-label" id="link-message-label">
            {tr('citizen.link.messageLabel')}
          </p>
          {/* Scrolls sideways rather than break a line of a message that must be signed exactly. */}
          <section class="message-box" aria-labelledby="link-message-label">
            <pre id="link-message" tabindex={0} />
          </section>
          <button type="button" class="secondary" id="link-copy">
            {tr('common.copy')}
          </button>
          <p id="link-digest" class="muted" />
          <p id="link-expires" />
          <p class="field">
            <label for="link-signature">{tr('citizen.link.signatureLabel')}</label>
            <input
              id="link-signature"
              autocomplete="off"
              spellcheck={false}
              placeholder={tr('citizen.link.signaturePlaceholder')}
            />
          </p>
          <button type="button" id="link-submit-signature">
            {tr('citizen.link.submitSignature')}
          </button>
          <FeedbackSlot />
        </div>
        <div class="step" id="link-onchain" data-feedback hidden>
          <p id="link-registry" />
          <p class="field">
            <label for="link-tx">{tr('citizen.link.txLabel')}</label>
            <input id="link-tx" autocomplete="off" spellcheck={false} placeholder="0x…" />
          </p>
          <button type="button" id="link-submit-tx">
            {tr('citizen.link.submitTx')}
          </button>
          <FeedbackSlot />
        </div>
      </details>
    </section>
  );
}
