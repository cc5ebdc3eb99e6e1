// NCALayer (NCA RK's signer on the citizen's machine) over its websocket: it greets with
// its version, then answers one request of its basics module with {status, body.result}.

export class NcaLayerError extends Error {
  constructor(
    readonly reason: 'not-running' | 'closed' | 'unreadable' | 'refused',
    /** NCALayer's own words, e.g. its code when the citizen cancels. */
    readonly detail?: string,
  ) {
    super(detail ?? reason);
  }
}

export function ncalayerSign(url: string, base64: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      socket.close();
      outcome();
    };
    socket.onerror = () => finish(() => reject(new NcaLayerError('not-running')));
    socket.onclose = () => finish(() => reject(new NcaLayerError('closed')));
    socket.onopen = () =>
      socket.send(
        JSON.stringify({
          module: 'kz.gov.pki.knca.basics',
          method: 'sign',
          args: {
            allowedStorages: null,
            format: 'cms',
            data: base64,
            signingParams: { decode: true, encapsulate: true, digested: false },
            signerParams: { extKeyUsageOids: ['1.3.6.1.5.5.7.3.2'], chain: [] },
            locale: document.documentElement.lang === 'kk' ? 'kk' : 'ru',
          },
        }),
      );
    socket.onmessage = (event) => {
      let reply: {
        status?: boolean;
        message?: string;
        result?: { version?: string };
        body?: { result?: unknown };
      };
      try {
        reply = JSON.parse(String(event.data));
      } catch {
        finish(() => reject(new NcaLayerError('unreadable')));
        return;
      }
      if (reply.result?.version) return;
      const result = reply.body?.result;
      const cms = Array.isArray(result) ? result[0] : result;
      if (reply.status === true && typeof cms === 'string') finish(() => resolve(cms));
      else finish(() => reject(new NcaLayerError('refused', reply.message)));
    };
  });
}
