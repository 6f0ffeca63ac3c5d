// Stands in for `@babel/runtime-corejs3/core-js/instance/trim` (wrangler.toml [alias]),
// which loads core-js-pure's String#trim polyfill: Babel compiles `s.trim()` to
// `trim(s).call(s)`, so handing back the value's own (native) method keeps the call as is.
export default function trim(it: { trim: () => string }): () => string {
  return it.trim;
}
