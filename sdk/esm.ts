// The bundler build (public/es.mjs): `init({site, api, …})` returns the
// `edgescore` function (also installed as window.edgescore; stub calls replayed).
import { start } from "./api";
import { fromOptions } from "./config";
import type { EdgeScore, Options } from "./edgescore";

export type { EdgeScore, Hints, IdentifyOptions, Options, Props, Recommendation, Traits } from "./edgescore";

export const init = (o: Options): EdgeScore => start(fromOptions(o), location.origin);
