// CAIP-10 account IDs (`<namespace>:<reference>:<address>`), parsed and normalised in one
// place. Each blockchain namespace plugs in through `AccountNamespace`, so `tron:` or
// `bip122:` can be added by registering one more adapter; nothing else changes.
import { InvalidAccountError, UnsupportedNamespaceError } from '../errors.js';

/** A parsed, canonical CAIP-10 account. */
export interface AccountId {
  /** e.g. `eip155` */
  namespace: string;
  /** CAIP-2 chain reference within the namespace, e.g. `1` */
  reference: string;
  /** The canonical address (EIP-55 checksum for eip155). */
  address: string;
  /** CAIP-2 chain ID, e.g. `eip155:1` */
  chainId: string;
  /** The canonical CAIP-10 string: the only form stored and compared. */
  id: string;
}

export interface AccountNamespace {
  readonly namespace: string;
  /** Returns the canonical chain reference or throws InvalidAccountError. */
  normaliseReference(reference: string): string;
  /**
   * Returns the canonical address or throws InvalidAccountError. The parser passes the
   * canonical chain reference, for namespaces whose address encodings differ per chain
   * (bip122: mainnet `bc1…` against testnet `tb1…`).
   */
  normaliseAddress(address: string, reference?: string): string;
  /**
   * Optional, for bulk reads: the canonical address when it can be had without checking a
   * checksum the input carries, flagged `checked: false`; such an address is trusted only
   * if it equals a stored (canonical) one, and checked with `normaliseAddress` otherwise.
   */
  normaliseAddressForLookup?(address: string, reference?: string): { address: string; checked: boolean };
}

/** An account parsed for a read: `checked` is false while a checksum is taken on trust. */
export interface LookupAccountId extends AccountId {
  checked: boolean;
}

// Character sets and lengths from CAIP-2 and CAIP-10.
const CAIP10 = /^([-a-z0-9]{3,8}):([-_a-zA-Z0-9]{1,32}):([-.%a-zA-Z0-9]{1,128})$/;

export class AccountNamespaces {
  private readonly byName: ReadonlyMap<string, AccountNamespace>;

  constructor(namespaces: readonly AccountNamespace[]) {
    this.byName = new Map(namespaces.map((n) => [n.namespace, n]));
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  parse(raw: string): AccountId {
    const { namespace, adapter, rawReference, rawAddress } = this.split(raw);
    const reference = adapter.normaliseReference(rawReference);
    return this.assemble(namespace, reference, adapter.normaliseAddress(rawAddress, reference));
  }

  /**
   * Like `parse`, but a checksum the address carries may be taken on trust (`checked:
   * false`): equal to a stored account, it is right, since only canonical forms are
   * stored; otherwise call `parse` for the verdict. A batch of 1,000 checksummed
   * addresses spends ~15 % of its time in keccak otherwise.
   */
  parseForLookup(raw: string): LookupAccountId {
    const { namespace, adapter, rawReference, rawAddress } = this.split(raw);
    const reference = adapter.normaliseReference(rawReference);
    if (!adapter.normaliseAddressForLookup) {
      return {
        ...this.assemble(namespace, reference, adapter.normaliseAddress(rawAddress, reference)),
        checked: true,
      };
    }
    const { address, checked } = adapter.normaliseAddressForLookup(rawAddress, reference);
    return { ...this.assemble(namespace, reference, address), checked };
  }

  private assemble(namespace: string, reference: string, address: string): AccountId {
    const chainId = `${namespace}:${reference}`;
    return { namespace, reference, address, chainId, id: `${chainId}:${address}` };
  }

  private split(raw: string) {
    const match = CAIP10.exec(raw);
    if (!match) {
      throw new InvalidAccountError(
        `"${truncate(raw)}" is not a CAIP-10 account ID (expected <namespace>:<chain reference>:<address>, e.g. eip155:1:0xAb…)`,
      );
    }
    const [, namespace, rawReference, rawAddress] = match as unknown as [string, string, string, string];
    const adapter = this.byName.get(namespace);
    if (!adapter) {
      throw new UnsupportedNamespaceError(
        `Namespace "${namespace}" is not supported (supported: ${this.names.join(', ')})`,
      );
    }
    return { namespace, adapter, rawReference, rawAddress };
  }
}

function truncate(value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}…` : value;
}
