// Stands in for `@babel/runtime-corejs3/helpers/esm/defineProperty` (wrangler.toml [alias]):
// mimetext's build imports Babel's corejs3 runtime, which drags ~38 KB of core-js-pure
// polyfills into the Worker although workerd has every built-in they replace. Same
// semantics as Babel's helper (class fields defined as own, writable, enumerable data
// properties), over the native Object.defineProperty.
export default function defineProperty<T extends object>(obj: T, key: PropertyKey, value: unknown): T {
  if (key in obj) Object.defineProperty(obj, key, { value, enumerable: true, configurable: true, writable: true });
  else (obj as Record<PropertyKey, unknown>)[key] = value;
  return obj;
}
