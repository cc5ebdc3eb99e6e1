// Browser code for the pages, served from /assets. It uses @simplewebauthn/browser
// (the UMD bundle, global SimpleWebAuthnBrowser) and the JSON API only.

export const APP_JS = `'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const say = (text) => { const s = $('status'); if (s) s.textContent = text; };
  async function api(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    if (response.status === 204) return null;
    const data = await response.json();
    if (!response.ok) {
      const error = new Error(data.detail || data.title || ('HTTP ' + response.status));
      error.stepUp = data.type && data.type.endsWith('/step-up-required');
      throw error;
    }
    return data;
  }
  const { startRegistration, startAuthentication } = window.SimpleWebAuthnBrowser || {};

  async function registerPasskey(name) {
    const optionsJSON = await api('POST', '/v1/webauthn/registration/options');
    const response = await startRegistration({ optionsJSON });
    const query = name ? '?name=' + encodeURIComponent(name) : '';
    return api('POST', '/v1/webauthn/registration/verify' + query, response);
  }

  async function signIn() {
    const optionsJSON = await api('POST', '/v1/webauthn/authentication/options');
    const response = await startAuthentication({ optionsJSON });
    return api('POST', '/v1/webauthn/authentication/verify', response);
  }

  function guard(action) {
    return async () => {
      try { say('Working…'); await action(); } catch (error) { say(error.message); }
    };
  }

  async function renderAccount() {
    const me = await api('GET', '/v1/me');
    const who = [me.identity.givenName, me.identity.familyName].filter(Boolean).join(' ');
    const identity = $('identity');
    identity.textContent = '';
    for (const line of [who, 'National ID ' + me.identity.nationalIdHint, 'Verified ' + me.identity.verifiedAt + ' (' + me.identity.source + ', ' + me.identity.level + ')']) {
      const p = document.createElement('p'); p.textContent = line; identity.append(p);
    }
    const list = $('passkeys');
    list.textContent = '';
    for (const passkey of me.passkeys) {
      const item = document.createElement('li');
      item.dataset.passkeyId = passkey.id;
      const label = document.createElement('span');
      label.textContent = passkey.name + (passkey.lastUsedAt ? ' — last used ' + passkey.lastUsedAt : '');
      const rename = document.createElement('button');
      rename.textContent = 'Rename';
      rename.onclick = guard(async () => {
        const name = prompt('New name', passkey.name);
        if (name) { await api('PATCH', '/v1/passkeys/' + encodeURIComponent(passkey.id), { name }); await renderAccount(); say('Renamed.'); }
      });
      const remove = document.createElement('button');
      remove.textContent = 'Remove';
      remove.onclick = guard(async () => {
        await api('DELETE', '/v1/passkeys/' + encodeURIComponent(passkey.id)); await renderAccount(); say('Removed.');
      });
      item.append(label, rename, remove);
      list.append(item);
    }
    renderBindings(me.bindings);
    say('');
  }

  function renderBindings(bindings) {
    const list = $('bindings');
    if (!list) return;
    list.textContent = '';
    for (const binding of bindings) {
      const item = document.createElement('li');
      item.dataset.bindingId = binding.id;
      const state = binding.attestation ? binding.attestation.state : binding.status;
      const label = document.createElement('span');
      label.textContent = binding.account + ' — ' + state + ' (' + binding.method + ')';
      item.append(label);
      if (binding.attestation) {
        const forms = binding.attestation.eip712 ? [['jwt', 'JWT'], ['eip712', 'EIP-712']] : [['jwt', 'JWT']];
        for (const [format, text] of forms) {
          const link = document.createElement('a');
          link.href = '/v1/wallets/' + encodeURIComponent(binding.id) + '/attestation?format=' + format;
          link.textContent = text;
          link.className = 'button';
          item.append(link);
        }
      }
      if (binding.status === 'active') {
        const renew = document.createElement('button');
        renew.textContent = 'Renew';
        renew.onclick = guard(async () => {
          await api('POST', '/v1/wallets/' + encodeURIComponent(binding.id) + '/renew'); await renderAccount(); say('Renewed.');
        });
        const unlink = document.createElement('button');
        unlink.textContent = 'Unlink';
        unlink.onclick = guard(async () => {
          if (!confirm('Unlink ' + binding.account + '? Its attestations are revoked.')) return;
          await api('DELETE', '/v1/wallets/' + encodeURIComponent(binding.id)); await renderAccount(); say('Unlinked.');
        });
        item.append(renew, unlink);
      }
      list.append(item);
    }
  }

  // Linking needs a passkey assertion from the last minutes: on step-up-required, confirm
  // with the passkey and ask again.
  let pending;
  async function challengeFor(account) {
    try {
      return await api('POST', '/v1/wallets/challenge', { account });
    } catch (error) {
      if (!error.stepUp) throw error;
      await signIn();
      return api('POST', '/v1/wallets/challenge', { account });
    }
  }

  function toHex(text) {
    return '0x' + Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function linkBrowserWallet() {
    const wallet = window.ethereum;
    if (!wallet) throw new Error('No browser wallet found: use "Another wallet" below');
    const [address] = await wallet.request({ method: 'eth_requestAccounts' });
    const chainId = Number.parseInt(await wallet.request({ method: 'eth_chainId' }), 16);
    const challenge = await challengeFor('eip155:' + chainId + ':' + address);
    const signature = await wallet.request({ method: 'personal_sign', params: [toHex(challenge.message), address] });
    await api('POST', '/v1/wallets/verify', { message: challenge.message, signature });
    await renderAccount();
    say('Linked ' + challenge.account + '.');
  }

  // The chains the service accepts (CAIP-2), from its metadata.
  let metadata;
  async function acceptedChains() {
    if (!metadata) metadata = await (await fetch('/.well-known/wallet-attestation')).json();
    return metadata.chains.map((chain) => chain.id);
  }

  // The namespaces a plain address can be written in, by its shape and decoded length (the
  // service checks the checksum).
  const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  function base58Bytes(text) {
    let bytes = [];
    for (const char of text) {
      let carry = BASE58.indexOf(char);
      if (carry < 0) return undefined;
      for (let i = 0; i < bytes.length; i++) { carry += bytes[i] * 58; bytes[i] = carry & 255; carry >>= 8; }
      while (carry > 0) { bytes.push(carry & 255); carry >>= 8; }
    }
    for (const char of text) { if (char !== '1') break; bytes.push(0); }
    return bytes.reverse();
  }
  function namespacesOf(address) {
    const found = [];
    if (/^0x[0-9a-fA-F]{40}$/.test(address)) found.push('eip155');
    const decoded = base58Bytes(address);
    if (decoded && decoded.length === 25 && decoded[0] === 0x41) found.push('tron');
    if (decoded && decoded.length === 32) found.push('solana');
    if (/^(bc1|tb1|bcrt1)[02-9ac-hj-np-z]+$/i.test(address) ||
      (decoded && decoded.length === 25 && [0x00, 0x05, 0x6f, 0xc4].includes(decoded[0]))) found.push('bip122');
    return found;
  }

  // A CAIP-10 account as typed, or a plain address on the one accepted chain it fits; when
  // it fits several, the citizen picks the chain.
  async function accountFromInput(text) {
    if (text.split(':').length === 3) return text;
    const namespaces = namespacesOf(text);
    const candidates = (await acceptedChains()).filter((id) => namespaces.includes(id.split(':')[0]));
    if (candidates.length === 0) throw new Error('This is not an address on a chain accepted here');
    if (candidates.length === 1) return candidates[0] + ':' + text;
    const picker = $('link-chain');
    if (!picker.hidden && candidates.includes(picker.value)) return picker.value + ':' + text;
    picker.textContent = '';
    for (const id of candidates) {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = id;
      picker.append(option);
    }
    picker.hidden = false;
    throw new Error('This address fits several chains: choose one, then ask for the message again');
  }

  // Wallet Standard discovery: wallets announce themselves, and answer the page's call.
  const standardWallets = [];
  const walletRegistry = { register: (...wallets) => { standardWallets.push(...wallets); return () => {}; } };
  window.addEventListener('wallet-standard:register-wallet', (event) => event.detail(walletRegistry));
  window.dispatchEvent(new CustomEvent('wallet-standard:app-ready', { detail: walletRegistry }));

  // The solana:signIn input, read back from the issued message: the wallet writes the same text.
  function signInInputOf(message) {
    const lines = message.split('\\n');
    const input = { domain: lines[0].replace(/ wants you to sign in with your Solana account:$/, ''), address: lines[1], statement: lines[3] };
    const names = { URI: 'uri', Version: 'version', 'Chain ID': 'chainId', Nonce: 'nonce', 'Issued At': 'issuedAt', 'Expiration Time': 'expirationTime' };
    for (const line of lines.slice(5)) {
      const at = line.indexOf(': ');
      const name = names[line.slice(0, at)];
      if (name) input[name] = line.slice(at + 2);
    }
    return input;
  }

  function toBase64(bytes) {
    let binary = '';
    for (const byte of bytes) binary += String.fromCharCode(byte);
    return btoa(binary);
  }

  async function chainOf(namespace, name) {
    const chain = (await acceptedChains()).find((id) => id.startsWith(namespace + ':'));
    if (!chain) throw new Error(name + ' accounts cannot be linked here');
    return chain;
  }

  async function linkSolanaWallet() {
    const wallet = standardWallets.find((w) => w.features['solana:signIn'] || w.features['solana:signMessage']);
    if (!wallet) throw new Error('No Solana wallet found: use "Another wallet" below');
    const chain = await chainOf('solana', 'Solana');
    const { accounts } = await wallet.features['standard:connect'].connect();
    const challenge = await challengeFor(chain + ':' + accounts[0].address);
    let message = challenge.message;
    let signature;
    if (wallet.features['solana:signIn']) {
      const [output] = await wallet.features['solana:signIn'].signIn(signInInputOf(challenge.message));
      message = new TextDecoder().decode(output.signedMessage);
      signature = toBase64(output.signature);
    } else {
      const [output] = await wallet.features['solana:signMessage'].signMessage({ account: accounts[0], message: new TextEncoder().encode(message) });
      signature = toBase64(output.signature);
    }
    await api('POST', '/v1/wallets/verify', { message, signature });
    await renderAccount();
    say('Linked ' + challenge.account + '.');
  }

  async function linkTronLink() {
    const tronWeb = window.tronWeb || (window.tronLink && window.tronLink.tronWeb);
    if (!tronWeb) throw new Error('TronLink was not found: use "Another wallet" below');
    if (window.tronLink && window.tronLink.request) await window.tronLink.request({ method: 'tron_requestAccounts' });
    const chain = await chainOf('tron', 'TRON');
    const challenge = await challengeFor(chain + ':' + tronWeb.defaultAddress.base58);
    const signature = await tronWeb.trx.signMessageV2(challenge.message);
    await api('POST', '/v1/wallets/verify', { message: challenge.message, signature });
    await renderAccount();
    say('Linked ' + challenge.account + '.');
  }

  async function prepareManualLink() {
    pending = await challengeFor(await accountFromInput($('link-account').value.trim()));
    const lines = [pending.message, '', 'Digest of the message' + (pending.onchain ? ' (the argument of proveControl)' : '') + ': ' + pending.challengeHash];
    if (pending.onchain) lines.push('Registry ' + pending.onchain.registry + ' on chain ' + pending.onchain.chainId + '; ' + pending.onchain.confirmations + ' confirmations needed');
    $('link-message').textContent = lines.join('\\n');
    say('Sign the message exactly as shown, or send the transaction, before ' + pending.expiresAt + '.');
  }

  async function submitManual(kind) {
    if (!pending) throw new Error('Get the message first');
    if (kind === 'signature') await api('POST', '/v1/wallets/verify', { message: pending.message, signature: $('link-signature').value.trim() });
    else await api('POST', '/v1/wallets/onchain-proof', { account: pending.account, txHash: $('link-tx').value.trim() });
    await renderAccount();
    say('Linked ' + pending.account + '.');
  }

  // NCALayer (NCA RK's signer on the citizen's machine) over its websocket: it greets with
  // its version, then answers one request of its basics module with {status, body.result}.
  function ncalayerSign(url, base64) {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      let settled = false;
      const finish = (fn, value) => { if (!settled) { settled = true; socket.close(); fn(value); } };
      socket.onerror = () => finish(reject, new Error('NCALayer is not running on this computer'));
      socket.onclose = () => finish(reject, new Error('NCALayer closed the connection'));
      socket.onopen = () => socket.send(JSON.stringify({
        module: 'kz.gov.pki.knca.basics',
        method: 'sign',
        args: {
          allowedStorages: null,
          format: 'cms',
          data: base64,
          signingParams: { decode: true, encapsulate: true, digested: false },
          signerParams: { extKeyUsageOids: ['1.3.6.1.5.5.7.3.2'], chain: [] },
          locale: 'ru',
        },
      }));
      socket.onmessage = (event) => {
        let reply;
        try { reply = JSON.parse(event.data); } catch { return finish(reject, new Error('NCALayer answered unreadably')); }
        if (reply.result && reply.result.version) return;
        const result = reply.body && reply.body.result;
        const cms = Array.isArray(result) ? result[0] : result;
        if (reply.status === true && typeof cms === 'string') finish(resolve, cms);
        else finish(reject, new Error(reply.message || 'NCALayer did not sign'));
      };
    });
  }

  async function signWithNcaLayer(url) {
    const { challenge } = await api('POST', '/v1/identity/x509/challenge');
    say('Confirm the signature in NCALayer…');
    // The challenge is ASCII; NCALayer decodes the base64 and signs those bytes.
    const signedData = await ncalayerSign(url, btoa(challenge));
    await api('POST', '/v1/identity/x509/verify', { challenge, signedData });
    location.assign('/enroll');
  }

  document.addEventListener('DOMContentLoaded', () => {
    const on = (id, action) => { const el = $(id); if (el) el.addEventListener('click', guard(action)); };
    on('passkey-sign-in', async () => { await signIn(); location.assign('/account'); });
    on('passkey-register', async () => { await registerPasskey($('passkey-name').value.trim()); location.assign('/account'); });
    on('passkey-add', async () => { await registerPasskey(''); await renderAccount(); say('Passkey added.'); });
    on('sign-out', async () => { await api('POST', '/v1/session/logout'); location.assign('/'); });
    on('link-wallet', linkBrowserWallet);
    on('link-solana', linkSolanaWallet);
    on('link-tron', linkTronLink);
    on('ncalayer-sign', () => signWithNcaLayer($('ncalayer-sign').dataset.url));
    on('link-challenge', prepareManualLink);
    on('link-submit-signature', () => submitManual('signature'));
    on('link-submit-tx', () => submitManual('transaction'));
    if ($('passkeys')) guard(renderAccount)();
  });
})();
`;

export const APP_CSS = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #f6f7f9; }
body { max-width: 44rem; margin: 0 auto; padding: 1rem; }
header { padding: .5rem 0 1rem; }
.brand { font-weight: 700; text-decoration: none; color: #0b5394; }
section { background: #fff; border-radius: .5rem; padding: 1rem; margin: 1rem 0; }
.actions { list-style: none; padding: 0; }
.actions li { margin: .5rem 0; }
button, .button { display: inline-block; padding: .5rem 1rem; border-radius: .4rem; border: 1px solid #0b5394;
  background: #0b5394; color: #fff; text-decoration: none; cursor: pointer; font: inherit; margin: .25rem .25rem .25rem 0; }
#passkeys li, #bindings li { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
#link label { display: block; margin: .5rem 0; }
#link-message { white-space: pre-wrap; word-break: break-all; background: #f0f2f5; padding: .5rem; }
#status { min-height: 1.5rem; color: #8a1c1c; }
`;
