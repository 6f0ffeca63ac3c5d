// The demo's chat button: the snippet records the click (data-es-chat); this
// only tells the visitor something happened (there is no real chat here).
document.querySelectorAll("[data-es-chat]").forEach(function (b) {
  b.addEventListener("click", function () {
    var s = document.getElementById("chat-status");
    s.textContent = "Thanks! A teammate will answer here shortly. (Demo: no real chat; the click counted +8 interest, twice a day at most.)";
    s.hidden = false;
  });
});
