// Build variants from the same sources (scripts/build-sdk.mjs defines
// ES_PERSONALIZE per build and esbuild drops the code a build leaves out):
// - es.js: tracking only (sessions, page views, forms, chat, identify, events,
//   consent; `edgescore('hints', fn)` still gets every hints change), ≤ 2,048 B gzip;
// - es.personalize.js and es.mjs: also hints applied to the page
//   (data-es-tier, data-es-promo) and the `recommend` command.
// Where nothing defines it (the unit tests import the sources) every feature is on.
declare const ES_PERSONALIZE: boolean | undefined;

export const PERSONALIZE: boolean = typeof ES_PERSONALIZE == "undefined" || ES_PERSONALIZE;

// - es.js and es.personalize.js load form capture (forms.ts, ~300 B gzip) as
//   a part of their own, public/es.forms.js, only on pages that have a
//   `data-es-event` element (at start, or when one gets focus: a form is
//   focused before it is submitted); es.mjs has it inline.
declare const ES_LAZY_FORMS: boolean | undefined;

export const LAZY_FORMS: boolean = typeof ES_LAZY_FORMS != "undefined" && ES_LAZY_FORMS;
