/**
 * URL path globs for event rules: `*` matches any run of characters (slashes included, so
 * `/blog/*` also matches `/blog/2024/post`), `?` exactly one character, `**` is accepted as a
 * synonym of `*`. The whole path must match. A trailing slash is ignored on both sides so
 * `/pricing` and `/pricing/` are the same page.
 */

const MAX_GLOB_LENGTH = 512;

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

/** Compiles a glob that passed checkGlob into a matcher over normalised paths. */
export function compileGlob(glob: string): (path: string) => boolean {
  const g = normalizePath(glob);
  if (!/[*?]/.test(g)) return (path) => path === g;
  // A single trailing star is by far the most common form ("/directions*"): a prefix test.
  const star = g.indexOf("*");
  if (star === g.length - 1 && !g.includes("?")) {
    const prefix = g.slice(0, -1);
    return (path) => path.startsWith(prefix);
  }
  let src = "^";
  for (let i = 0; i < g.length; i++) {
    const ch = g[i] as string;
    if (ch === "*") {
      while (g[i + 1] === "*") i++;
      src += ".*";
    } else if (ch === "?") src += ".";
    else src += ch.replace(/[.+^${}()|[\]\\/]/g, "\\$&");
  }
  const re = new RegExp(src + "$", "s");
  return (path) => re.test(path);
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
