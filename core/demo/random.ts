/**
 * Seeded pseudo-random numbers for the demo caseload: the same seed gives the same council on
 * every machine and every run, whatever the JavaScript engine (no Math.random, no clock).
 *
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, from PractRand): 128 bits of state,
 * passes PractRand to terabytes, and needs only 32-bit integer arithmetic. Each document is drawn
 * from its own stream, seeded from (seed, kind, index), so document n of a collection is the same
 * whichever batch size, order or subset is generated (random access, no hidden sequence).
 */

/** 32-bit avalanche of one integer (the finaliser of MurmurHash3). */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a string or a non-negative integer below 2^53. */
function hashPart(part: string | number, salt: number): number {
  let h = salt ^ 0x9e3779b9;
  if (typeof part === 'number') {
    h = fmix32(h ^ (part >>> 0));
    h = fmix32(h ^ Math.floor(part / 0x1_0000_0000));
    return h;
  }
  for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
  return fmix32(h ^ part.length);
}

export type Seed = string | number;

const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** A stream for `parts` (the seed first, then e.g. the collection and the document number). */
  constructor(...parts: readonly (string | number)[]) {
    let a = 0x243f6a88;
    let b = 0x85a308d3;
    let c = 0x13198a2e;
    let d = 0x03707344;
    for (const part of parts) {
      a = fmix32(a ^ hashPart(part, 1));
      b = fmix32(b ^ hashPart(part, 2));
      c = fmix32(c ^ hashPart(part, 3));
      d = fmix32(d ^ hashPart(part, 4));
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d | 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Uniform in [0, 2^32). */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max], both included. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)]!;
  }

  /** `count` distinct items in random order (all of them when there are fewer). */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(copy.length - i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, n);
  }

  /** Lower-case hexadecimal digits. */
  hex(digits: number): string {
    let out = '';
    for (let i = 0; i < digits; i += 2) out += HEX_PAIRS[this.uint32() & 0xff];
    return out.length > digits ? out.slice(0, digits) : out;
  }

  /** Decimal digits, leading zeros kept. */
  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(10));
    return out;
  }

  /** Exponentially distributed with the given mean (waiting times between events). */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/** Items with weights, picked in O(log n). */
export class Weighted<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;

  constructor(entries: Iterable<readonly [T, number]>) {
    for (const [item, weight] of entries) {
      if (!(weight > 0)) continue;
      this.total += weight;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
    if (this.items.length === 0) throw new RangeError('a weighted choice needs at least one positive weight');
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return this.items[low]!;
  }
}

/**
 * A UUIDv7 (RFC 9562 §5.7) for a moment: 48 bits of Unix milliseconds, then random bits, so ids
 * sort by creation time as the real ones do.
 */
export function uuidv7(random: Random, time: number): string {
  const ms = time.toString(16).padStart(12, '0');
  const randA = random.hex(3);
  const variant = (8 + random.int(4)).toString(16);
  const randB = random.hex(15);
  return `${ms.slice(0, 8)}-${ms.slice(8, 12)}-7${randA}-${variant}${randB.slice(0, 3)}-${randB.slice(3)}`;
}

/**
 * mulberry32: one 32-bit word of state, a sequence from a single number. The property tests and
 * benchmarks draw from it (`const random = mulberry32(seed)`), so a failing case names its seed
 * and replays identically on every machine; the demo's documents use `Random` above instead,
 * which gives each document its own stream.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}
