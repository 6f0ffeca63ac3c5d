// public/es.forms.js: form capture, loaded by es.js / es.personalize.js on pages
// with a `data-es-event` element (features.ts); it reports through the tracker
// the core exposes as `edgescore.t`.
import { onSubmit, type Track } from "./forms";
import { call } from "./util";

call(() => {
  const f = onSubmit((window.edgescore as unknown as { t: Track }).t);
  addEventListener("submit", (e) => call(f, e), true);
});
