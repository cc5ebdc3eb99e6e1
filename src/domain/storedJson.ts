// JSON text kept exactly as it was stored (a signed EIP-712 attestation), to be embedded in
// a response without parsing and re-serialising it: a batch lookup answers 1,000 of them.
// Only the serialiser that knows it (src/http/json.ts `serializeJson`) can embed it; plain
// JSON.stringify would write something else, so it refuses loudly instead.
export class StoredJson {
  constructor(readonly text: string) {}

  toJSON(): never {
    throw new TypeError('StoredJson is embedded by serializeJson only');
  }
}
