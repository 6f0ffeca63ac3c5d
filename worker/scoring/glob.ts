/**
 * URL path globs for event rules: `*` matches any run of characters (slashes included, so
 * `/blog/*` also matches `/blog/2024/post`), `?` exactly one character, `**` is accepted as a
 * synonym of `*`. The whole path must match. A trailing slash is ignored on both sides so
 * `/pricing` and `/pricing/` are the same page.
 *
 * Matching uses no regular expression: a backtracking `.*` per star made a glob such as
 * `/*a*a*a*a*a*a*a*ab` take seconds on one long beacon path, on a CPU other tenants share.
 * The glob is split on its stars into fixed-length segments: the first must be a prefix, the
 * last a suffix, and each one in between is taken at its leftmost place after the previous one.
 * Leftmost is always right for fixed-length segments (any match could slide that segment left
 * and leave more room for the rest), so there is no backtracking: O(path × segments) at worst.
 */

const MAX_GLOB_LENGTH = 512;
/** Longer paths are matched on their first MAX_PATH_LENGTH characters (no real page is longer). */
export const MAX_PATH_LENGTH = 2048;

/** null when the glob is usable, else the reason (reported by the model parser). */
export function checkGlob(glob: string): string | null {
  if (glob.length === 0) return "glob is empty";
  if (glob.length > MAX_GLOB_LENGTH) return `glob is longer than ${MAX_GLOB_LENGTH} characters`;
  if (!glob.startsWith("/")) return "glob must start with '/' (it matches the URL path)";
  // Whitespace and control characters never occur in a URL path, so such a glob is a typo.
  if (/[\s\u0000-\u001f\u007f]/.test(glob)) return "glob contains whitespace or control characters";
  if (glob.includes("#")) return "glob must not contain a fragment ('#')";
  return null;
}

/** Strips a trailing slash (except for the root) so trailing-slash variants compare equal. */
export function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}

/** A run of the glob between stars: literal characters and `?` (one character each). */
interface Segment {
  text: string;
  /** Offsets and char codes of the literal characters; null when the segment has no `?`. */
  literals: number[] | null;
  /** For a segment with `?` and literals: its shift-and tables, to search it in one pass. */
  bitap: Bitap | null;
}

/**
 * Shift-and (bitap) tables of a segment with `?`: bit i of a state word says "the segment's
 * first i+1 characters match the path ending here". One pass over the path finds the leftmost
 * match in O(path × ⌈segment / 32⌉), where checking every start would be O(path × segment).
 */
interface Bitap {
  /** Per literal char code: the positions it (or `?`) may take, as 32-bit words. */
  byChar: Map<number, Uint32Array>;
  /** The positions any other character may take: the `?`s. */
  any: Uint32Array;
  /** byChar for ASCII (most of a URL path) as a table, `any` where the segment lacks the char. */
  ascii: Uint32Array[];
  /** Scratch state, reused: a search runs to completion before the next starts. */
  state: Uint32Array;
  lastWord: number;
  lastBit: number;
}

function bitap(text: string): Bitap {
  const words = (text.length + 31) >>> 5;
  const any = new Uint32Array(words);
  for (let i = 0; i < text.length; i++) if (text[i] === "?") any[i >>> 5]! |= 1 << (i & 31);
  const byChar = new Map<number, Uint32Array>();
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "?") continue;
    const c = text.charCodeAt(i);
    let m = byChar.get(c);
    if (!m) byChar.set(c, (m = any.slice()));
    m[i >>> 5]! |= 1 << (i & 31);
  }
  const last = text.length - 1;
  const ascii = Array.from({ length: 128 }, (_, c) => byChar.get(c) ?? any);
  return { byChar, any, ascii, state: new Uint32Array(words), lastWord: last >>> 5, lastBit: 1 << (last & 31) };
}

const segment = (text: string): Segment => {
  if (!text.includes("?")) return { text, literals: null, bitap: null };
  const literals: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] !== "?") literals.push(i, text.charCodeAt(i));
  return { text, literals, bitap: literals.length ? bitap(text) : null };
};

/** Whether `seg` matches `path` at `at` (the caller checked that it fits). */
function matchesAt(path: string, seg: Segment, at: number): boolean {
  const lit = seg.literals;
  if (lit === null) return path.startsWith(seg.text, at);
  for (let i = 0; i < lit.length; i += 2) if (path.charCodeAt(at + lit[i]!) !== lit[i + 1]) return false;
  return true;
}

/** Leftmost start >= from where `seg` matches and ends by `end`, or -1. */
function findFrom(path: string, seg: Segment, from: number, end: number): number {
  const len = seg.text.length;
  if (end - len < from) return -1;
  if (seg.literals === null) {
    const i = path.indexOf(seg.text, from);
    return i >= 0 && i <= end - len ? i : -1;
  }
  const b = seg.bitap;
  if (b === null) return from; // all `?`: fits wherever there is room
  const lastBit = b.lastBit;
  if (b.state.length === 1) {
    // One word (segments up to 32 characters, nearly all of them): the state is a number.
    let d = 0;
    for (let j = from; j < end; j++) {
      const c = path.charCodeAt(j);
      d = ((d << 1) | 1) & (c < 128 ? b.ascii[c]! : (b.byChar.get(c) ?? b.any))[0]!;
      if ((d & lastBit) !== 0) return j - len + 1;
    }
    return -1;
  }
  const d = b.state;
  d.fill(0);
  for (let j = from; j < end; j++) {
    const c = path.charCodeAt(j);
    const mask = c < 128 ? b.ascii[c]! : (b.byChar.get(c) ?? b.any);
    let carry = 1;
    for (let w = 0; w < d.length; w++) {
      const v = d[w]!;
      d[w] = ((v << 1) | carry) & mask[w]!;
      carry = v >>> 31;
    }
    if ((d[b.lastWord]! & lastBit) !== 0) return j - len + 1;
  }
  return -1;
}

/** Compiles a glob that passed checkGlob into a matcher over normalised paths. */
export function compileGlob(glob: string): (path: string) => boolean {
  const g = normalizePath(glob);
  if (!/[*?]/.test(g)) return (path) => path === g;
  const parts = g.split(/\*+/).map(segment);
  const first = parts[0]!;
  if (parts.length === 1) return (path) => path.length === first.text.length && matchesAt(path, first, 0);
  const lastSeg = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1);
  const minLength = parts.reduce((n, s) => n + s.text.length, 0);
  return (full) => {
    const path = full.length > MAX_PATH_LENGTH ? full.slice(0, MAX_PATH_LENGTH) : full;
    const n = path.length;
    if (n < minLength) return false;
    if (!matchesAt(path, first, 0)) return false;
    const end = n - lastSeg.text.length;
    if (!matchesAt(path, lastSeg, end)) return false;
    let at = first.text.length;
    for (const seg of middle) {
      const i = findFrom(path, seg, at, end);
      if (i < 0) return false;
      at = i + seg.text.length;
    }
    return true;
  };
}

/**
 * The path of an event: its own `path` if given, else the path part of `url`. Avoids `new URL`
 * on the hot path; query and fragment are dropped.
 */
export function eventPath(path: string | null | undefined, url: string | null | undefined): string | null {
  let p: string | null = null;
  if (typeof path === "string" && path !== "") p = path;
  else if (typeof url === "string" && url !== "") {
    const scheme = url.indexOf("://");
    if (scheme >= 0) {
      const slash = url.indexOf("/", scheme + 3);
      p = slash < 0 ? "/" : url.slice(slash);
    } else p = url.startsWith("/") ? url : null;
  }
  if (p === null) return null;
  const cut = p.search(/[?#]/);
  if (cut >= 0) p = p.slice(0, cut);
  if (p === "") p = "/";
  return normalizePath(p);
}
