// Shows the visitor's tier from the snippet's hints (text only).
window.edgescore = window.edgescore || function () { (edgescore.q = edgescore.q || []).push(arguments); };
edgescore("hints", function (h) {
  var t = document.getElementById("tier");
  if (t) t.textContent = h.tier;
});
