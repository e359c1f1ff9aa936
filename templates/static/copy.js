// "Copy the link" buttons: each names the field whose text it copies (data-copy) and says so once
// done. Without JavaScript the buttons stay hidden and the field can be selected by hand.
document.querySelectorAll("button[data-copy]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var done = function () {
      button.textContent = button.getAttribute("data-done");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
      });
    } else {
      field.select();
      document.execCommand("copy");
      done();
    }
  });
});
