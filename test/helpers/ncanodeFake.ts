// NCANode 3.x on loopback HTTP, as far as `POST /cms/verify` goes: the request and answer in
// NCANode's JSON shape ({valid, signers: [{certificates: [CertificateInfo…]}]}). RSA and ECDSA
// signatures are verified for real with pkijs, against the CA certificates the fake is given;
// GOST signatures cannot be checked in JavaScript, so the fake vouches for the GOST
// certificates a test registers, as a real NCANode would after checking them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { OID } from './pki.js';

const KEY_USER_BY_OID: Record<string, string> = {
  '1.2.398.3.3.4.1.1': 'INDIVIDUAL',
  '1.2.398.3.3.4.1.2': 'ORGANIZATION',
  '1.2.398.3.3.4.1.2.1': 'CEO',
  '1.2.398.3.3.4.1.2.2': 'CAN_SIGN',
  '1.2.398.3.3.4.1.2.3': 'CAN_SIGN_FINANCIAL',
  '1.2.398.3.3.4.1.2.4': 'HR',
  '1.2.398.3.3.4.1.2.5': 'EMPLOYEE',
  '1.2.398.3.3.4.3.2.1': 'IDENTIFICATION_REMOTE_DIGITAL_ID',
};

export interface NcaNodeFake {
  url: string;
  /** Serial numbers (hex) reported revoked by every revocation check asked for. */
  revoked: Set<string>;
  /** Serial numbers (hex) of GOST certificates whose signatures the fake vouches for. */
  vouchedGost: Set<string>;
  /** Test hooks: report another IIN, leave out revocation results, or fail outright. */
  override: {
    iin?: string;
    serialNumber?: string;
    omitRevocations?: boolean;
    httpStatus?: number;
    garbage?: boolean;
  };
  /** The request bodies received. */
  requests: { cms: string; data?: string; revocationCheck?: string[] }[];
  reset(): void;
  close(): Promise<void>;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function attribute(name: pkijs.RelativeDistinguishedNames, oid: string): string | undefined {
  const found = name.typesAndValues.find((t) => t.type === oid);
  return found ? String((found.value.valueBlock as { value?: unknown }).value) : undefined;
}

function subjectInfo(name: pkijs.RelativeDistinguishedNames) {
  const serial = attribute(name, OID.serialNumber);
  const unit = attribute(name, '2.5.4.11');
  const info: Record<string, string> = {};
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined) info[key] = value;
  };
  set('commonName', attribute(name, OID.commonName));
  set('surName', attribute(name, OID.surname));
  // NCANode calls G "lastName": "usually the patronymic".
  set('lastName', attribute(name, OID.givenName));
  set('organization', attribute(name, OID.organization));
  set('country', attribute(name, OID.country));
  if (serial?.startsWith('IIN')) info.iin = serial.slice(3);
  if (unit?.startsWith('BIN')) info.bin = unit.slice(3);
  return info;
}

function keyUsageName(certificate: pkijs.Certificate): string {
  const extension = certificate.extensions?.find((e) => e.extnID === '2.5.29.15');
  const bits = (extension?.parsedValue as asn1js.BitString | undefined)?.valueBlock.valueHexView[0] ?? 0;
  if (bits & 0x20) return 'AUTH'; // keyEncipherment
  if (bits & 0x40) return 'SIGN'; // nonRepudiation
  return 'UNKNOWN';
}

function keyUsers(certificate: pkijs.Certificate): string[] {
  const extension = certificate.extensions?.find((e) => e.extnID === '2.5.29.37');
  const purposes = (extension?.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [];
  return purposes.flatMap((oid) => (KEY_USER_BY_OID[oid] ? [KEY_USER_BY_OID[oid]!] : []));
}

async function verifyCms(
  fake: NcaNodeFake,
  cas: readonly pkijs.Certificate[],
  request: { cms: string; data?: string; revocationCheck?: string[] },
): Promise<{ status: number; body: unknown }> {
  let signedData: pkijs.SignedData;
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(new Uint8Array(Buffer.from(request.cms, 'base64')));
    signedData = new pkijs.SignedData({ schema: contentInfo.content });
  } catch {
    return { status: 400, body: { status: 400, message: 'Invalid CMS' } };
  }
  const signers = [];
  let allValid = true;
  for (const [index, signerInfo] of signedData.signerInfos.entries()) {
    const sid = signerInfo.sid as pkijs.IssuerAndSerialNumber;
    const certificate = (signedData.certificates ?? []).find(
      (c): c is pkijs.Certificate =>
        c instanceof pkijs.Certificate &&
        c.issuer.isEqual(sid.issuer) &&
        c.serialNumber.isEqual(sid.serialNumber),
    );
    if (!certificate) return { status: 400, body: { status: 400, message: 'Signer certificate not found' } };
    const serial = hex(certificate.serialNumber.valueBlock.valueHexView);
    let signatureValid: boolean;
    if (certificate.subjectPublicKeyInfo.algorithm.algorithmId === OID.gost2015) {
      signatureValid = fake.vouchedGost.has(serial);
    } else {
      const data = request.data ? new Uint8Array(Buffer.from(request.data, 'base64')).buffer : undefined;
      const verified = await signedData.verify({ signer: index, ...(data && { data }) }).catch(() => false);
      let chained = false;
      for (const ca of cas) {
        if (ca.subject.isEqual(certificate.issuer) && (await certificate.verify(ca).catch(() => false)))
          chained = true;
      }
      signatureValid = verified === true && chained;
    }
    const now = new Date();
    const inPeriod = now >= certificate.notBefore.value && now <= certificate.notAfter.value;
    const revoked = fake.revoked.has(serial);
    const revocations = fake.override.omitRevocations
      ? []
      : (request.revocationCheck ?? []).map((by) => ({
          revoked,
          by,
          revocationTime: revoked ? '2025-01-01T00:00:00.000+00:00' : null,
          reason: revoked ? 'KEY_COMPROMISE' : null,
        }));
    const valid = signatureValid && inPeriod && !revoked;
    allValid &&= valid;
    signers.push({
      certificates: [
        {
          valid,
          revocations,
          notBefore: certificate.notBefore.value.toISOString(),
          notAfter: certificate.notAfter.value.toISOString(),
          keyUsage: keyUsageName(certificate),
          serialNumber: fake.override.serialNumber ?? serial,
          signAlg:
            certificate.signatureAlgorithm.algorithmId === OID.gost2015 ? 'ECGOST34310' : 'SHA256withRSA',
          keyUser: keyUsers(certificate),
          subject: {
            ...subjectInfo(certificate.subject),
            ...(fake.override.iin && { iin: fake.override.iin }),
          },
          issuer: subjectInfo(certificate.issuer),
        },
      ],
    });
  }
  return { status: 200, body: { status: 200, message: '', valid: allValid, signers } };
}

/** Starts the fake; `cas` are the CA certificates its RSA/ECDSA checks trust. */
export async function startNcaNodeFake(cas: readonly pkijs.Certificate[]): Promise<NcaNodeFake> {
  const fake: NcaNodeFake = {
    url: '',
    revoked: new Set(),
    vouchedGost: new Set(),
    override: {},
    requests: [],
    reset() {
      this.revoked.clear();
      this.override = {};
      this.requests.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown) =>
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      if (req.method !== 'POST' || req.url !== '/cms/verify')
        return reply(404, { status: 404, message: 'Not found' });
      if (fake.override.httpStatus)
        return reply(fake.override.httpStatus, { status: fake.override.httpStatus });
      if (fake.override.garbage) return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      let request: { cms: string; data?: string; revocationCheck?: string[] };
      try {
        request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { status: 400, message: 'Invalid JSON' });
      }
      fake.requests.push(request);
      verifyCms(fake, cas, request).then(
        (answer) => reply(answer.status, answer.body),
        () => reply(500, { status: 500, message: 'Internal error' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
