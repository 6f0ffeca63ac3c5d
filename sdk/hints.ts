// Hints applied to the page: `data-es-promo` elements get the promo code;
// `data-es-tier="warm hot"` elements are hidden (the `hidden` attribute: no
// inline style, so a strict CSP is fine) unless the visitor's tier is listed.
// Unknown hints hide every tiered element. Text changes only when different:
// the MutationObserver that calls this must not loop.
import type { Hints } from "./edgescore";

export const apply = (h?: Hints): void => {
  const c = ((h && h.promo) || ({} as { code?: string })).code;
  document.querySelectorAll<HTMLElement>("[data-es-tier]").forEach((e) => {
    e.hidden = !h || e.dataset.esTier!.split(" ").indexOf(h.tier) < 0;
  });
  if (c) document.querySelectorAll("[data-es-promo]").forEach((e) => e.textContent != c && (e.textContent = c));
};
