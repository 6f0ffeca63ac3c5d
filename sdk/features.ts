// Build variants from the same sources (scripts/build-sdk.mjs defines
// ES_PERSONALIZE per build and esbuild drops the code a build leaves out):
// - es.js: tracking only (sessions, page views, forms, chat, identify, events,
//   consent; `edgescore('hints', fn)` still gets every hints change), ≤ 2,048 B gzip;
// - es.personalize.js and es.mjs: also hints applied to the page
//   (data-es-tier, data-es-promo) and the `recommend` command.
// Where nothing defines it (the unit tests import the sources) every feature is on.
declare const ES_PERSONALIZE: boolean | undefined;

export const PERSONALIZE: boolean = typeof ES_PERSONALIZE == "undefined" || ES_PERSONALIZE;
