// The script tag build (public/es.js): configured by its own data attributes;
// the API defaults to the origin the script came from.
import { start } from "./api";
import { call } from "./util";

call(() => {
  const s = (document.currentScript || document.querySelector("script[data-site]")) as HTMLScriptElement;
  start(s.dataset, new URL(s.src).origin);
});
