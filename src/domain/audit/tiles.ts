// The audit log's Merkle tree stored as C2SP tlog-tiles (c2sp.org/tlog-tiles): the tile
// at level L, index N holds the hashes of the complete subtrees of 256^L leaves number
// N·256 … N·256+255, so a level-0 tile is 256 leaf hashes and each hash of a level-1 tile
// is the root of a full level-0 tile. Only full tiles and the rightmost (partial) tile of
// each level exist; any root or proof is a few tile reads plus at most 127 hashes per
// proof step, whatever the size of the log.
//
// Appending needs only the right edge (one partial tile per level: under 8 KiB each), so
// integrating entries costs the same at the billionth as at the first. Hashing is
// synchronous SHA-256 in JavaScript: two hashes per entry on average.
import { sha256 } from 'viem';
import { pathThrough, proofThrough, rangeHash, type SubtreeHash } from './merkle.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const HASH_BYTES = 32;

/** Level 0…63 of the tree, or the entry bundles beside level 0. */
export type TileLevel = number | 'entries';

export interface TileAddress {
  level: TileLevel;
  index: number;
  /** 1…255 for a partial tile, 256 for a full one. */
  width: number;
}

/** `1234067` → `x001/x234/067`: three digits per element, all but the last prefixed with x. */
export function tileIndexPath(index: number): string {
  const groups: string[] = [];
  let rest = index;
  do {
    groups.unshift(String(rest % 1000).padStart(3, '0'));
    rest = Math.floor(rest / 1000);
  } while (rest > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

export function tilePath({ level, index, width }: TileAddress): string {
  return `${level}/${tileIndexPath(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** Parses `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]` strictly; undefined when it is not one. */
export function parseTilePath(path: string): TileAddress | undefined {
  const match = /^(entries|0|[1-9]\d?)\/((?:x\d{3}\/)*)(\d{3})(?:\.p\/([1-9]\d{0,2}))?$/.exec(path);
  if (!match) return undefined;
  const [, rawLevel, prefixes, last, rawWidth] = match as unknown as [
    string,
    string,
    string,
    string,
    string?,
  ];
  const level = rawLevel === 'entries' ? 'entries' : Number(rawLevel);
  if (level !== 'entries' && level > 63) return undefined;
  const groups = [
    ...prefixes
      .split('/')
      .filter(Boolean)
      .map((g) => g.slice(1)),
    last,
  ];
  // No leading zero groups: index 5 is "005", never "x000/005".
  if (groups.length > 1 && groups[0] === '000') return undefined;
  if (groups.length > 6) return undefined;
  const index = groups.reduce((n, g) => n * 1000 + Number(g), 0);
  const width = rawWidth === undefined ? TILE_WIDTH : Number(rawWidth);
  // A partial tile is 1…255 wide; a full one is named without a width.
  if ((rawWidth !== undefined && width >= TILE_WIDTH) || !Number.isSafeInteger(index)) return undefined;
  return { level, index, width };
}

export function leafHashOf(data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + data.length);
  bytes.set(data, 1);
  return sha256(bytes, 'bytes');
}

export function nodeHashOf(left: Uint8Array, right: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(1 + 2 * HASH_BYTES);
  bytes[0] = 0x01;
  bytes.set(left, 1);
  bytes.set(right, 1 + HASH_BYTES);
  return sha256(bytes, 'bytes');
}

/** The root of `count` (a power of two) consecutive hashes of a tile, from `from`. */
function hashUp(tile: Uint8Array, from: number, count: number): Uint8Array {
  let layer: Uint8Array[] = [];
  for (let i = 0; i < count; i++)
    layer.push(tile.subarray((from + i) * HASH_BYTES, (from + i + 1) * HASH_BYTES));
  while (layer.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < layer.length; i += 2) next.push(nodeHashOf(layer[i]!, layer[i + 1]!));
    layer = next;
  }
  return layer[0]!;
}

/** The partial tiles a tree of `size` leaves has: one per level whose width is not 0. */
export function rightEdge(size: number): (TileAddress & { level: number })[] {
  const tiles: (TileAddress & { level: number })[] = [];
  for (let level = 0, span = 1; span <= size; level++, span *= TILE_WIDTH) {
    const width = Math.floor(size / span) % TILE_WIDTH;
    if (width > 0) tiles.push({ level, index: Math.floor(size / (span * TILE_WIDTH)), width });
  }
  return tiles;
}

/** Reads tile (level, index) holding at least `width` hashes; undefined when there is none. */
export type TileSource = (level: number, index: number, width: number) => Promise<Uint8Array | undefined>;

export class MissingTileError extends Error {
  override name = 'MissingTileError';
}

/**
 * RFC 6962 roots and proofs of a tree of `size` leaves read from its tiles. Tiles read are
 * kept for the life of the object (make one per request).
 */
export class TiledTree {
  private readonly tiles = new Map<string, Promise<Uint8Array>>();

  constructor(
    private readonly source: TileSource,
    readonly size: number,
  ) {}

  /** MTH(D[n]) for n ≤ size. */
  async root(n: number = this.size): Promise<Uint8Array> {
    this.check(n, 0);
    if (n === 0) return sha256(new Uint8Array(0), 'bytes');
    return rangeHash(this.complete, 0, n);
  }

  /** PATH(index, D[n]), siblings from the leaf up. */
  inclusion(index: number, n: number = this.size): Promise<Uint8Array[]> {
    this.check(n, 1);
    if (!Number.isSafeInteger(index) || index < 0 || index >= n) {
      throw new RangeError(`leaf ${index} is outside a tree of ${n}`);
    }
    return pathThrough(this.complete, index, n);
  }

  /** PROOF(first, D[second]); empty from the empty tree or to the same size. */
  consistency(first: number, second: number = this.size): Promise<Uint8Array[]> {
    this.check(second, 0);
    if (!Number.isSafeInteger(first) || first < 0 || first > second) {
      throw new RangeError(`first size ${first} must be within 0..${second}`);
    }
    if (first === 0 || first === second) return Promise.resolve([]);
    return proofThrough(this.complete, first, second);
  }

  /** The hash of the complete subtree of 2^height leaves number `index`. */
  private readonly complete: SubtreeHash = async (height, index) => {
    const level = Math.floor(height / TILE_HEIGHT);
    const count = 2 ** (height % TILE_HEIGHT);
    const first = index * count;
    const tileIndex = Math.floor(first / TILE_WIDTH);
    const offset = first % TILE_WIDTH;
    const tile = await this.tile(level, tileIndex, offset + count);
    return hashUp(tile, offset, count);
  };

  private tile(level: number, index: number, width: number): Promise<Uint8Array> {
    // Every tile this tree reads ends at or before its right edge: ask for the width it has.
    const span = TILE_WIDTH ** level;
    const available = Math.min(TILE_WIDTH, Math.floor(this.size / span) - index * TILE_WIDTH);
    if (available < width) throw new MissingTileError(`tile ${level}/${index} is outside the tree`);
    const key = `${level}/${index}`;
    let pending = this.tiles.get(key);
    if (!pending) {
      pending = this.source(level, index, available).then((bytes) => {
        if (!bytes || bytes.length < available * HASH_BYTES) {
          throw new MissingTileError(`tile ${level}/${index} of width ${available} is not stored`);
        }
        return bytes;
      });
      this.tiles.set(key, pending);
    }
    return pending;
  }

  private check(n: number, min: number): void {
    if (!Number.isSafeInteger(n) || n < min || n > this.size) {
      throw new RangeError(`tree size ${n} is outside ${min}..${this.size}`);
    }
  }
}

export interface BuiltTile {
  level: number;
  index: number;
  width: number;
  hashes: Uint8Array;
}

/**
 * Grows the tiles of a tree leaf by leaf from its right edge. Start it from the partial
 * tiles of the current size (`rightEdge(size)`, read back from storage), append leaf
 * hashes, and write `tiles()`: every tile that changed, full or partial.
 */
export class TileBuilder {
  private readonly edge: Uint8Array[][] = [];
  private readonly counts: number[] = [];
  private readonly finished: BuiltTile[] = [];
  private readonly touched = new Set<number>();
  private leaves: number;

  constructor(size: number, partialTiles: ReadonlyMap<number, Uint8Array>) {
    this.leaves = size;
    for (let level = 0, span = 1; span <= size; level++, span *= TILE_WIDTH) {
      this.counts[level] = Math.floor(size / span);
      const width = this.counts[level]! % TILE_WIDTH;
      const tile = partialTiles.get(level);
      if (width > 0 && (!tile || tile.length < width * HASH_BYTES)) {
        throw new MissingTileError(`the partial tile of level ${level} (width ${width}) is missing`);
      }
      const hashes: Uint8Array[] = [];
      for (let i = 0; i < width; i++) hashes.push(tile!.slice(i * HASH_BYTES, (i + 1) * HASH_BYTES));
      this.edge[level] = hashes;
    }
  }

  get size(): number {
    return this.leaves;
  }

  append(leafHash: Uint8Array): void {
    this.push(0, leafHash);
    this.leaves++;
  }

  private push(level: number, hash: Uint8Array): void {
    const hashes = this.edge[level] ?? [];
    this.edge[level] = hashes;
    const count = this.counts[level] ?? 0;
    hashes.push(hash);
    this.counts[level] = count + 1;
    this.touched.add(level);
    if (hashes.length < TILE_WIDTH) return;
    const bytes = pack(hashes);
    this.finished.push({ level, index: Math.floor(count / TILE_WIDTH), width: TILE_WIDTH, hashes: bytes });
    this.edge[level] = [];
    this.push(level + 1, hashUp(bytes, 0, TILE_WIDTH));
  }

  /** The tiles appended to since the start: the full ones finished, then each level's partial tile. */
  tiles(): BuiltTile[] {
    const partial: BuiltTile[] = [];
    for (const level of this.touched) {
      const hashes = this.edge[level]!;
      if (hashes.length === 0) continue;
      partial.push({
        level,
        index: Math.floor(this.counts[level]! / TILE_WIDTH),
        width: hashes.length,
        hashes: pack(hashes),
      });
    }
    return [...this.finished, ...partial];
  }

  /** The full tiles finished since the last call, handed over and forgotten (for long rebuilds). */
  drain(): BuiltTile[] {
    return this.finished.splice(0);
  }

  /** A tile source over the right edge alone: enough for the root of the current size. */
  edgeSource(): TileSource {
    return async (level, index) => {
      const hashes = this.edge[level];
      const count = this.counts[level] ?? 0;
      if (!hashes || index !== Math.floor(count / TILE_WIDTH)) return undefined;
      return pack(hashes);
    };
  }
}

function pack(hashes: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(hashes.length * HASH_BYTES);
  for (const [i, hash] of hashes.entries()) bytes.set(hash, i * HASH_BYTES);
  return bytes;
}
