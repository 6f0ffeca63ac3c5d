/**
 * Compact text encodings for the lists a lead state keeps (hit times, limit counters), so the
 * state stays small as JSON and is cheap to parse and serialise (a string is copied, not parsed
 * number by number), and so copying a rule state for copy-on-write is O(1).
 *
 * Numbers: a variable-length code over 91 printable ASCII characters that JSON never escapes
 * (0x21–0x7E without `"`, `\` and `,`): 45 "continuation" digits then one of 46 "final" digits,
 * least significant first. 0–45 take 1 character, < 2,070 two, < 93,150 three, < 4.2 M four,
 * < 189 M five, a millisecond epoch time eight.
 *
 * Number lists (`encodeList`): the first value, then each next one as the non-negative
 * difference to its predecessor (ascending or descending lists). A value that is not a
 * non-negative safe integer, or whose difference is not, is written verbatim between commas
 * (`,<String(x)>,`, which round-trips any double): the format is exact for every finite number,
 * compact for integers, which is what the edge produces (integer ms, day numbers).
 */

const ALPHABET: string[] = [];
for (let c = 0x21; c <= 0x7e; c++) if (c !== 0x22 && c !== 0x5c && c !== 0x2c) ALPHABET.push(String.fromCharCode(c));
const CONT_BASE = 45;
const CONT = ALPHABET.slice(0, CONT_BASE);
const FINAL = ALPHABET.slice(CONT_BASE); // 46
const DIGIT = new Int8Array(128).fill(-1);
const IS_FINAL = new Uint8Array(128);
CONT.forEach((ch, i) => (DIGIT[ch.charCodeAt(0)] = i));
FINAL.forEach((ch, i) => {
  DIGIT[ch.charCodeAt(0)] = i;
  IS_FINAL[ch.charCodeAt(0)] = 1;
});
const FINAL_BASE = FINAL.length;
const COMMA = 0x2c;

/** Non-negative safe integer → code. */
function encUint(x: number): string {
  if (x < FINAL_BASE) return FINAL[x] as string;
  let out = "";
  while (x >= FINAL_BASE) {
    const q = Math.floor(x / CONT_BASE);
    out += CONT[x - q * CONT_BASE];
    x = q;
  }
  return out + FINAL[x];
}

function isUint(x: number): boolean {
  return Number.isSafeInteger(x) && (x > 0 || Object.is(x, 0));
}

function verbatim(x: number): string {
  return "," + (Object.is(x, -0) ? "-0" : String(x)) + ",";
}

/** A value written in full: as a code when it is a non-negative safe integer, else verbatim. */
export function encAbs(x: number): string {
  return isUint(x) ? encUint(x) : verbatim(x);
}

/** The entry for `x` following `prev` in a list going in direction `dir` (1 ascending, -1 descending). */
export function encNext(prev: number, x: number, dir: 1 | -1): string {
  const d = dir === 1 ? x - prev : prev - x;
  return isUint(prev) && isUint(x) && isUint(d) ? encUint(d) : verbatim(x);
}

/**
 * A cursor over an encoded list. Module-level (the engine is synchronous), so reading allocates
 * nothing: `reset(s)`, then `next()` until `done()`; `pos` is the offset after the last entry read.
 */
export class ListReader {
  s = "";
  pos = 0;
  value = 0;
  private dir: 1 | -1 = 1;
  private first = true;

  reset(s: string, dir: 1 | -1): this {
    this.s = s;
    this.pos = 0;
    this.value = 0;
    this.dir = dir;
    this.first = true;
    return this;
  }

  done(): boolean {
    return this.pos >= this.s.length;
  }

  /** Reads a value written with `encAbs` (not part of the list's difference chain). */
  nextRaw(): number {
    const keep = this.value;
    const first = this.first;
    this.first = true;
    const v = this.next();
    this.value = keep;
    this.first = first;
    return v;
  }

  /** Reads the next entry into `value` (and returns it). */
  next(): number {
    const s = this.s;
    let p = this.pos;
    let c = s.charCodeAt(p);
    if (c === COMMA) {
      const end = s.indexOf(",", p + 1);
      this.value = Number(s.slice(p + 1, end));
      this.pos = end + 1;
      this.first = false;
      return this.value;
    }
    let v = 0;
    let mul = 1;
    while (IS_FINAL[c] === 0) {
      v += (DIGIT[c] as number) * mul;
      mul *= CONT_BASE;
      c = s.charCodeAt(++p);
    }
    v += (DIGIT[c] as number) * mul;
    this.pos = p + 1;
    if (this.first) {
      this.first = false;
      this.value = v;
    } else this.value = this.dir === 1 ? this.value + v : this.value - v;
    return this.value;
  }
}

const reader = new ListReader();

export function encodeList(values: readonly number[], dir: 1 | -1): string {
  if (values.length === 0) return "";
  let prev = values[0] as number;
  let out = encAbs(prev);
  for (let i = 1; i < values.length; i++) {
    const x = values[i] as number;
    out += encNext(prev, x, dir);
    prev = x;
  }
  return out;
}

export function decodeList(s: string | undefined, dir: 1 | -1): number[] {
  const out: number[] = [];
  if (!s) return out;
  const r = reader.reset(s, dir);
  while (!r.done()) out.push(r.next());
  return out;
}

// ---------------------------------------------------------------------------------------------
// String sets (session ids): " tok tok tok", each token the id with "%", " " and ":" escaped,
// the empty id written "%". Injective, so membership is a substring test. String counters:
// " tok:n tok:n" (n decimal).

export function setToken(id: string): string {
  if (id === "") return "%";
  return /[% :]/.test(id) ? id.replace(/%/g, "%25").replace(/ /g, "%20").replace(/:/g, "%3A") : id;
}

export function setHas(set: string | undefined, token: string): boolean {
  if (!set) return false;
  const needle = " " + token;
  let from = set.length - needle.length; // the newest entry is the likeliest: search backwards
  while (from >= 0) {
    const i = set.lastIndexOf(needle, from);
    if (i < 0) return false;
    const end = i + needle.length;
    if (end === set.length || set.charCodeAt(end) === 0x20) return true;
    from = i - 1;
  }
  return false;
}

export function counterGet(counters: string | undefined, token: string): number {
  if (!counters) return 0;
  const needle = " " + token + ":";
  const i = counters.indexOf(needle);
  if (i < 0) return 0;
  const start = i + needle.length;
  const end = counters.indexOf(" ", start);
  return Number(counters.slice(start, end < 0 ? counters.length : end));
}

/** Sets a counter (0 removes it); returns the new string. */
export function counterSet(counters: string | undefined, token: string, n: number): string {
  let out = counters ?? "";
  const needle = " " + token + ":";
  const i = out.indexOf(needle);
  if (i >= 0) {
    const end = out.indexOf(" ", i + needle.length);
    out = out.slice(0, i) + (end < 0 ? "" : out.slice(end));
  }
  return n > 0 ? out + needle + String(n) : out;
}
