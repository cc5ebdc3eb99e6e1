// An OCSP responder (RFC 6960) on loopback HTTP, built with pkijs: it reads the DER request,
// answers for the certificate it names with a signed BasicOCSPResponse, and echoes the nonce.
// What it answers is set per test: the status, who signs, how fresh, which nonce.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { Issued, TestCa } from './pki.js';

const OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const DAY = 24 * 3600 * 1000;

export interface OcspBehaviour {
  /** Answered for every certificate, unless `revoked` lists its serial. */
  status: 'good' | 'revoked' | 'unknown';
  /** Serial numbers (hex) answered as revoked whatever `status` says. */
  revoked: Set<string>;
  /** Who signs: the issuing CA itself (default) or another certificate and key. */
  signer?: Issued;
  /** thisUpdate / nextUpdate of the answer; default now − 1 min / now + 1 day. */
  thisUpdate?: Date;
  nextUpdate?: Date | null;
  /** 'echo' (default), 'omit', or 'other' (a nonce of another request). */
  nonce: 'echo' | 'omit' | 'other';
  /** Answer with this OCSPResponseStatus instead (e.g. 1 malformedRequest, 2 internalError). */
  responseStatus?: number;
}

export interface OcspResponder {
  url: string;
  behaviour: OcspBehaviour;
  /** Requests received so far. */
  requests: number;
  reset(): void;
  close(): Promise<void>;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function defaults(): OcspBehaviour {
  return { status: 'good', revoked: new Set(), nonce: 'echo' };
}

async function answer(issuer: TestCa, behaviour: OcspBehaviour, body: Uint8Array): Promise<Uint8Array> {
  if (behaviour.responseStatus !== undefined) {
    const refused = new pkijs.OCSPResponse();
    refused.responseStatus = new asn1js.Enumerated({ value: behaviour.responseStatus });
    return new Uint8Array(refused.toSchema().toBER(false));
  }
  const request = pkijs.OCSPRequest.fromBER(new Uint8Array(body));
  const now = Date.now();
  const responses = request.tbsRequest.requestList.map((entry) => {
    const serial = hex(entry.reqCert.serialNumber.valueBlock.valueHexView);
    const status = behaviour.revoked.has(serial) ? 'revoked' : behaviour.status;
    const certStatus =
      status === 'good'
        ? new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } })
        : status === 'revoked'
          ? new asn1js.Constructed({
              idBlock: { tagClass: 3, tagNumber: 1 },
              value: [new asn1js.GeneralizedTime({ valueDate: new Date(now - DAY) })],
            })
          : new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
    const nextUpdate = behaviour.nextUpdate === undefined ? new Date(now + DAY) : behaviour.nextUpdate;
    return new pkijs.SingleResponse({
      certID: entry.reqCert,
      certStatus,
      thisUpdate: behaviour.thisUpdate ?? new Date(now - 60_000),
      ...(nextUpdate && { nextUpdate }),
    });
  });

  const signer = behaviour.signer ?? issuer;
  const basic = new pkijs.BasicOCSPResponse();
  basic.tbsResponseData.responderID = signer.cert.subject;
  basic.tbsResponseData.producedAt = new Date(now);
  basic.tbsResponseData.responses = responses;
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === OCSP_NONCE);
  if (nonce && behaviour.nonce !== 'omit') {
    const value =
      behaviour.nonce === 'echo'
        ? nonce.extnValue.valueBlock.valueHexView
        : new asn1js.OctetString({ valueHex: crypto.getRandomValues(new Uint8Array(16)) }).toBER(false);
    basic.tbsResponseData.responseExtensions = [
      new pkijs.Extension({ extnID: OCSP_NONCE, extnValue: new Uint8Array(value).buffer }),
    ];
  }
  if (signer !== issuer) basic.certs = [signer.cert];
  await basic.sign(signer.keys.privateKey, 'SHA-256');

  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: 0 }),
    responseBytes: new pkijs.ResponseBytes({
      responseType: OCSP_BASIC,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    }),
  });
  return new Uint8Array(response.toSchema().toBER(false));
}

/** Starts a responder for the certificates `issuer` issued. */
export async function startOcspResponder(issuer: TestCa): Promise<OcspResponder> {
  const responder: OcspResponder = {
    url: '',
    behaviour: defaults(),
    requests: 0,
    reset() {
      this.behaviour = defaults();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      responder.requests++;
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/ocsp-request') {
        res.writeHead(400).end();
        return;
      }
      answer(issuer, responder.behaviour, new Uint8Array(Buffer.concat(chunks))).then(
        (der) => {
          res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(der));
        },
        () => res.writeHead(500).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  responder.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ocsp`;
  return responder;
}
