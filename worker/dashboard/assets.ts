// The dashboard's stylesheet and its small client script, served by the Worker at
// /dashboard/assets/app.<hash>.css|js (immutable, cached for a year). External files,
// not inline blocks, so the CSP can stay `script-src 'self'; style-src 'self'`.
// The script only enhances: every page works without it (copy button, live
// rescoring progress and local times are the extras). The model editor's larger script is
// a static asset instead (worker/dashboard/client/editor.js, outside the Worker bundle).

import { IMPORT_JS } from "./import-script";

export const CSS = `
:root{--bg:#f6f7f9;--fg:#1b1f24;--mut:#5b6470;--line:#d9dde3;--card:#fff;--acc:#1d4ed8;--hot:#b91c1c;--warm:#b45309;--cold:#1e5f8a;--dq:#4b5563;--ok:#15803d;--bad:#b91c1c;--fit:#0f766e;--int:#7c3aed}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg);overflow-wrap:anywhere}
a{color:var(--acc)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.steps{padding:0;list-style:none}
.firstev{padding:.6rem .8rem;border-radius:6px;font-weight:600}
.firstev.wait{background:#fff7ed;color:#9a3412}
.firstev.ok{background:#ecfdf5;color:var(--ok)}
dl.keys dt{font-weight:600;margin-top:.6rem}
dl.keys dd{margin:0}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem 1rem;z-index:9}
.skip:focus{left:.5rem;top:.5rem}
header.top{background:#111827;color:#fff}
header.top .in{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;max-width:1200px;margin:0 auto;padding:.5rem 1rem}
header.top a{color:#e5e7eb;text-decoration:none;padding:.35rem .2rem}
header.top a[aria-current=page]{color:#fff;border-bottom:2px solid #f59e0b}
header.top .brand{font-weight:700;color:#fff;margin-right:.5rem}
header.top nav{display:flex;flex-wrap:wrap;gap:.25rem .9rem}
header.top .who{margin-left:auto;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;color:#cbd5e1;font-size:.9rem}
header.top .who form{margin:0}
header.top .who button{background:transparent;color:#e5e7eb;border:1px solid #6b7280}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.25rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem}
.mut{color:var(--mut)}
.small{font-size:.85rem}
.row{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,280px),1fr));gap:1rem}
label{display:block;font-weight:600;font-size:.9rem;margin-bottom:.2rem}
input,select,textarea,button{font:inherit}
input,select{padding:.4rem .5rem;border:1px solid #9ca3af;border-radius:6px;background:#fff;max-width:100%}
textarea{width:100%;padding:.6rem;border:1px solid #9ca3af;border-radius:6px;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#fff}
button,.btn{display:inline-block;padding:.45rem .9rem;border:1px solid var(--acc);border-radius:6px;background:var(--acc);color:#fff;cursor:pointer;text-decoration:none;line-height:1.3}
button.sec,.btn.sec{background:#fff;color:var(--acc)}
button.danger{background:var(--bad);border-color:var(--bad)}
.msg{padding:.6rem .8rem;border-radius:6px;margin:0 0 1rem;border:1px solid}
.msg.ok{background:#ecfdf5;border-color:#86efac}
.msg.err{background:#fef2f2;border-color:#fca5a5}
.msg.info{background:#eff6ff;border-color:#93c5fd}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%;background:var(--card)}
th,td{text-align:left;padding:.45rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.03em;color:var(--mut);background:#f9fafb}
tbody th[scope=row]{font-size:inherit;text-transform:none;letter-spacing:0;color:var(--fg);background:transparent;font-weight:600}
caption{text-align:left;padding:.3rem 0}
th,caption{overflow-wrap:normal}
.card>h1:first-child,.card>h2:first-child,.card>h3:first-child{margin-top:0}
progress{width:min(100%,320px);height:1rem;vertical-align:middle}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.85em}
pre{white-space:pre-wrap;margin:0}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;font-size:.8rem;font-weight:700;color:#fff;background:var(--dq);white-space:nowrap}
.badge.t-top{background:var(--hot)}.badge.t-mid{background:var(--warm)}.badge.t-cold{background:var(--cold)}.badge.t-dq{background:var(--dq)}
.badge.s-delivered{background:var(--ok)}.badge.s-failed{background:var(--bad)}.badge.s-pending{background:var(--warm)}.badge.s-no_webhook{background:var(--dq)}
.yes{color:var(--ok);font-weight:600}.no{color:var(--bad);font-weight:600}
.bar{display:block;width:100%;max-width:160px;height:10px}
.bar .bg{fill:#e5e7eb}.bar .fit{fill:var(--fit)}.bar .int{fill:var(--int)}.bar .neg{fill:var(--bad)}.bar .any{fill:var(--acc)}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}
.kv dt{color:var(--mut)}.kv dd{margin:0}
.figs{display:flex;flex-wrap:wrap;gap:1rem 2rem;margin:.5rem 0}
.figs div{min-width:6rem}.figs b{display:block;font-size:1.35rem}
.tabs{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1rem}
.tabs a{padding:.3rem .7rem;border:1px solid var(--line);border-radius:6px;background:#fff;text-decoration:none}
.tabs a[aria-current=page]{border-color:var(--acc);font-weight:700}
.chart{width:100%;max-width:640px;height:auto;display:block}
.chart text{font-size:13px;fill:#374151}
.chart .c1{fill:var(--ok)}.chart .c0{fill:#9ca3af}.chart .pos{fill:var(--fit)}.chart .negb{fill:var(--bad)}.chart .axis{stroke:#9ca3af}
.legend{display:flex;gap:1rem;font-size:.85rem;margin:.25rem 0}
.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;vertical-align:-1px;margin-right:.3rem}
.sw.c1{background:var(--ok)}.sw.c0{background:#9ca3af}.sw.pos{background:var(--fit)}
ul.issues{margin:.4rem 0 0;padding-left:1.2rem}
.sr-only{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
.editor{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem;align-items:start}
@media (min-width:1000px){.editor{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}.ed-side{position:sticky;top:.5rem;max-height:calc(100vh - 1rem);overflow:auto}}
.tabs [role=tab][aria-selected=true]{background:var(--acc);color:#fff}
fieldset.ve{border:1px solid var(--line);border-radius:8px;margin:0 0 1rem;padding:.5rem .8rem .8rem;min-width:0}
fieldset.ve>legend{font-weight:700;padding:0 .3rem}
fieldset.ve-item{border:0;border-top:1px solid var(--line);margin:0;padding:.6rem 0;min-width:0}
fieldset.ve-item>legend{font-weight:600;font-size:.9rem;padding:0}
.ve-row{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin:.25rem 0}
.fld{display:flex;flex-direction:column;min-width:0;max-width:100%}
.fld input[type=number]{width:7rem}
.fld small{display:block;max-width:22rem}
.fld .pick{margin-top:.25rem;font-size:.85rem}
.sum{margin:.2rem 0 .4rem}
button.mini{padding:.25rem .6rem;font-size:.85rem}
ul.templates{margin:.3rem 0 0;padding-left:1.2rem}
.pager{display:flex;gap:1rem;margin:1rem 0}
details summary{cursor:pointer}
.lead-name{font-weight:600}
.claim{display:inline-block;margin:.15rem .3rem 0 0;padding:0 .4rem;border:1px solid var(--line);border-radius:999px;font-size:.8rem;color:var(--mut)}
.badge.unv{background:#fff;color:var(--warm);border:1px solid var(--warm)}
@media (max-width:700px){
 main{padding:.75rem}
 table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:100%}
 table.cards thead{position:absolute;left:-9999px}
 table.cards tr{border:1px solid var(--line);border-radius:8px;margin:0 0 .6rem;padding:.3rem .5rem;background:#fff}
 table.cards td{border:0;padding:.2rem 0 .2rem 6.5rem;display:block;position:relative;text-align:right;min-height:1.7rem}
 table.cards td::before{content:attr(data-label);position:absolute;left:0;top:.3rem;width:6.2rem;color:var(--mut);font-size:.8rem;text-align:left}
 table.cards td.first,table.cards tbody th{display:block;text-align:left;border:0;padding:.2rem 0}
 table.cards td.first::before{content:none}
 table.cards caption{display:block}
 table.cards .bar{margin:.2rem 0 .2rem auto;max-width:100%}
 header.top .who{margin-left:0}
}
`.trim();

export const JS = `
(function(){
"use strict";
document.addEventListener("click",function(e){
 var b=e.target&&e.target.closest?e.target.closest("[data-copy]"):null;if(!b)return;
 var t=document.getElementById(b.getAttribute("data-copy"));if(!t)return;
 var s=b.getAttribute("data-status")?document.getElementById(b.getAttribute("data-status")):null;
 function say(m){if(s)s.textContent=m;}
 var text=t.value!=null?t.value:t.textContent;
 function fallback(){if(t.select){t.focus();t.select();}say("Selected: press Ctrl+C (or \\u2318C) to copy.");}
 if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(text).then(function(){say("Copied to the clipboard.");},fallback);else fallback();
});
var copy=document.querySelectorAll("[data-copy][hidden]");for(var i=0;i<copy.length;i++)copy[i].hidden=false;
var p=document.querySelector("[data-progress]");
if(p&&window.fetch){
 var url=p.getAttribute("data-progress"),bar=p.querySelector("progress"),txt=p.querySelector("[data-progress-text]");
 var tick=function(){fetch(url,{credentials:"same-origin",headers:{accept:"application/json"}}).then(function(r){return r.ok?r.json():null;}).then(function(s){
  if(!s)return;if(bar){bar.max=Math.max(1,s.total);bar.value=s.done;}
  if(txt)txt.textContent=s.status==="done"?"Rescoring done: "+s.done+" of "+s.total+" leads rescored.":"Rescoring\\u2026 "+s.done+" of "+s.total+" leads.";
  if(s.status!=="done")setTimeout(tick,1000);
 },function(){setTimeout(tick,3000);});};
 if(p.getAttribute("data-status")!=="done")setTimeout(tick,700);
}
var fe=document.querySelector("[data-first-event]");
if(fe&&window.fetch&&fe.getAttribute("data-done")!=="1"){
 var poll=function(){fetch(fe.getAttribute("data-first-event"),{credentials:"same-origin",headers:{accept:"application/json"}}).then(function(r){return r.ok?r.json():null;}).then(function(s){
  if(s&&s.received){fe.className="firstev ok";fe.setAttribute("data-done","1");fe.textContent="\u2713 Your first event arrived: the lead is in. Next: a scoring model.";}
  else setTimeout(poll,2000);
 },function(){setTimeout(poll,5000);});};
 setTimeout(poll,1500);
}
var ts=document.querySelectorAll("time[datetime]");
for(var j=0;j<ts.length;j++){var d=new Date(ts[j].getAttribute("datetime"));if(!isNaN(d))ts[j].title=d.toLocaleString();}
})();
`.trim();

/** FNV-1a, enough to bust caches when the text changes. */
function fnv(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export const CSS_PATH = `/dashboard/assets/app.${fnv(CSS)}.css`;
export const JS_PATH = `/dashboard/assets/app.${fnv(JS)}.js`;
/** The Import page's own script: loaded only there, so every other page keeps its small app.js. */
export const IMPORT_JS_PATH = `/dashboard/assets/import.${fnv(IMPORT_JS)}.js`;
export { IMPORT_JS };
