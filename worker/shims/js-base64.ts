// Stands in for `js-base64` (wrangler.toml [alias]): mimetext only calls Base64.encode
// (UTF-8 text → standard Base64, for encoded words and bodies) and Base64.encodeURI
// (URL-safe, unpadded, for boundaries). workerd has TextEncoder and btoa, so the
// package's own codecs and fallbacks (4 KB) are dead weight in the Worker.
function encode(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  // Chunks keep the spread under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function encodeURI(text: string): string {
  return encode(text).replace(/[+/=]/g, (c) => (c === "+" ? "-" : c === "/" ? "_" : ""));
}

export const Base64 = { encode, encodeURI };
