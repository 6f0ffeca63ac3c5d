// The Import page's part of the dashboard script (served on its own at IMPORT_JS_PATH, loaded only by that page; runs
// only where #import-form is). Preview: the first 64 KiB of the file, split into
// rows by a small quote-aware splitter (a preview only: the server parses the
// file with csv-parse). Upload: parts of at most 9 MiB cut at record ends (CSV:
// outside quotes), the header repeated, each POSTed with its line offset so the
// errors keep the file's line numbers; the answers are summed.
export const IMPORT_JS = `
(function(){
"use strict";
var form=document.getElementById("import-form");if(!form||!window.fetch||!window.File)return;
form.hidden=false;
var fileIn=document.getElementById("import-file"),mapIn=document.getElementById("import-map"),prev=document.getElementById("import-preview");
var bar=document.getElementById("import-progress"),stat=document.getElementById("import-status"),out=document.getElementById("import-result");
var PART=9*1024*1024,enc=new TextEncoder(),header=null,delim=",";
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=String(text);if(cls)e.className=cls;return e;}
function isCsv(f){return /\\.csv$/i.test(f.name)||f.type==="text/csv";}
function detect(line){var best=",",most=0;[",",";","\\t","|"].forEach(function(d){var n=line.split(d).length-1;if(n>most){best=d;most=n;}});return best;}
function rows(text,d){var out=[],row=[],cell="",q=false;for(var i=0;i<text.length;i++){var ch=text[i];
 if(q){if(ch==='"'){if(text[i+1]==='"'){cell+='"';i++;}else q=false;}else cell+=ch;continue;}
 if(ch==='"'&&cell==="")q=true;else if(ch===d){row.push(cell);cell="";}else if(ch==="\\n"){row.push(cell.replace(/\\r$/,""));out.push(row);row=[];cell="";}else cell+=ch;}
 return out;}
var ROLES=[["","ignore"],["email","email"],["external_id","CRM id"],["visitor","visitor"],["t:number","trait (number)"],["t:string","trait (string)"],["t:boolean","trait (boolean)"],["outcome","outcome"],["convertedAt","converted at"],["value","value"]];
function guess(h){var s=h.toLowerCase();if(/e-?mail/.test(s))return "email";if(/^(id|crm_?id|external_?id)$/.test(s))return "external_id";
 if(/^(deposit|revenue|converted|won|outcome|y)$/.test(s))return "outcome";if(s==="duration")return "";return "t:string";}
function mapping(){var m={},sel=prev.querySelectorAll("select[data-col]");for(var i=0;i<sel.length;i++){var c=sel[i].getAttribute("data-col"),v=sel[i].value;
 if(!v)continue;if(v.indexOf("t:")===0){m.traits=m.traits||{};m.traits[c]=v.slice(2);}else m[v]=c;}
 if(delim!==",")m.delimiter=delim;mapIn.value=JSON.stringify(m,null,1);}
function preview(f){prev.textContent="";header=null;
 f.slice(0,65536).text().then(function(text){
  if(!isCsv(f)){var ls=text.split("\\n").slice(0,5).filter(function(l){return l.trim();});var t=el("table");var tb=el("tbody");
   ls.forEach(function(l,i){var tr=el("tr");tr.appendChild(el("td",i+1,"num"));tr.appendChild(el("td",l.slice(0,300)));tb.appendChild(tr);});t.appendChild(tb);
   prev.appendChild(el("p","NDJSON: one lead per line; no mapping needed. First lines:","small mut"));prev.appendChild(t);mapIn.value="";return;}
  var first=text.split("\\n")[0]||"";delim=detect(first);var rs=rows(text,delim);header=rs[0]||[];
  var t=el("table"),th=el("thead"),tr=el("tr"),tr2=el("tr");
  header.forEach(function(h){tr.appendChild(el("th",h));var td=el("td"),s=el("select");s.setAttribute("data-col",h);s.setAttribute("aria-label","Role of column "+h);
   ROLES.forEach(function(r){var o=el("option",r[1]);o.value=r[0];s.appendChild(o);});s.value=guess(h);s.addEventListener("change",mapping);td.appendChild(s);tr2.appendChild(td);});
  th.appendChild(tr);th.appendChild(tr2);t.appendChild(th);var tb=el("tbody");
  rs.slice(1,6).forEach(function(r){var row=el("tr");r.forEach(function(c){row.appendChild(el("td",c));});tb.appendChild(row);});t.appendChild(tb);
  prev.appendChild(el("p","Preview of the first rows: choose each column's role.","small mut"));prev.appendChild(t);mapping();
 });}
fileIn.addEventListener("change",function(){if(fileIn.files[0])preview(fileIn.files[0]);});
function sum(a,b){["leads","created","updated","events","conversions","skipped"].forEach(function(k){a[k]+=b[k]||0;});
 (b.errors||[]).forEach(function(e){if(a.errors.length<1000)a.errors.push(e);});if(b.ignored&&!a.ignored)a.ignored=b.ignored;return a;}
function show(total,done){out.textContent="";var c=el("div",null,"card");c.appendChild(el("h2",done?"Imported":"Importing\\u2026"));
 var f=el("div",null,"figs");[["leads","Leads"],["created","New"],["updated","Updated"],["events","Events"],["conversions","Conversions"],["skipped","Lines skipped"]].forEach(function(k){
  var d=el("div");d.appendChild(el("b",total[k[0]]));d.appendChild(el("span",k[1],"small mut"));f.appendChild(d);});c.appendChild(f);
 if(total.ignored&&total.ignored.length)c.appendChild(el("p","Ignored columns: "+total.ignored.join(", "),"small mut"));
 if(total.errors.length){var t=el("table"),h=el("tr");["Line","Field","Problem"].forEach(function(x){h.appendChild(el("th",x));});var th=el("thead");th.appendChild(h);t.appendChild(th);
  var tb=el("tbody");total.errors.forEach(function(e){var r=el("tr");r.appendChild(el("td",e.line,"num"));r.appendChild(el("td",e.path));r.appendChild(el("td",e.message));tb.appendChild(r);});
  t.appendChild(tb);c.appendChild(el("h3","Lines not imported"));c.appendChild(t);}
 out.appendChild(c);}
/* Record ends: a newline outside quotes (CSV) or any newline (NDJSON). Returns the byte offset after the last whole record within [0, max). */
function cut(bytes,csv){var q=false,last=-1;for(var i=0;i<bytes.length;i++){var b=bytes[i];if(csv&&b===34)q=!q;else if(b===10&&!q)last=i;}return last+1;}
function lines(bytes){var n=0;for(var i=0;i<bytes.length;i++)if(bytes[i]===10)n++;return n;}
form.addEventListener("submit",function(ev){ev.preventDefault();var f=fileIn.files[0];if(!f)return;
 var csv=isCsv(f),map=csv?mapIn.value.trim():"",csrf=form.getAttribute("data-csrf"),url=form.getAttribute("data-upload");
 if(csv){try{JSON.parse(map);}catch(e){stat.textContent="The mapping is not valid JSON.";return;}}
 var total={leads:0,created:0,updated:0,events:0,conversions:0,skipped:0,errors:[]},pos=0,line=0,head=null;
 bar.hidden=false;bar.max=f.size;bar.value=0;document.getElementById("import-go").disabled=true;
 function fail(m){stat.textContent=m;document.getElementById("import-go").disabled=false;}
 function step(){if(pos>=f.size){stat.textContent="Done.";show(total,true);document.getElementById("import-go").disabled=false;return;}
  f.slice(pos,pos+PART).arrayBuffer().then(function(buf){var bytes=new Uint8Array(buf),end=pos+bytes.length>=f.size?bytes.length:cut(bytes,csv);
   if(end===0)return fail("A record is longer than 9 MiB; use the CLI.");var body=bytes.subarray(0,end),offset=line;
   if(csv&&head===null)head=body.slice(0,body.indexOf(10)+1);
   else if(csv){var joined=new Uint8Array(head.length+body.length);joined.set(head);joined.set(body,head.length);offset=line-lines(head);body=joined;}
   line+=lines(bytes.subarray(0,end));
   var q="?line_offset="+Math.max(0,offset)+(csv?"&map="+encodeURIComponent(map):"");
   return fetch(url+q,{method:"POST",credentials:"same-origin",headers:{"content-type":csv?"text/csv":"application/x-ndjson","x-csrf-token":csrf},body:body}).then(function(r){
    return r.json().then(function(j){if(!r.ok)return fail((j&&j.error&&j.error.message)||("The server answered "+r.status));
     if(j.error)return fail(j.error.message);sum(total,j);pos+=end;bar.value=pos;stat.textContent=Math.round(100*pos/f.size)+" %";show(total,false);step();});});
  }).catch(function(e){fail("The upload failed: "+e.message);});}
 step();});
})();
`;
