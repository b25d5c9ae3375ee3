/* Flaskr: delete an entry without a reload, the homework the tutorial left.
   Each entry's delete button is a real form, so it works with JavaScript off;
   this script takes over the submit, asks for JSON, and only removes the entry
   once the server says it is gone. No inline script: it runs under script-src 'self'. */
$(function () {
  "use strict";

  function flash(message, isError) {
    $("main > .flash").remove();
    $("<div class='flash' role='status'></div>")
      .text(message)
      .toggleClass("error", Boolean(isError))
      .prependTo("main");
  }

  $(document).on("submit", "form.delete", function (event) {
    event.preventDefault();
    var $form = $(this);
    var $entry = $form.closest("li.entry");
    $form.find("button").prop("disabled", true);
    $.ajax({
      url: $form.attr("action"),
      method: "POST",
      dataType: "json",
      headers: { "X-CSRFToken": $form.find("input[name=csrfmiddlewaretoken]").val() }
    }).done(function (data) {
      if (data.status === 1) {
        $entry.fadeOut(200, function () { $entry.remove(); });
        flash(data.message);
      } else {
        flash(data.message, true);
      }
    }).fail(function (xhr) {
      var data = xhr.responseJSON || {};
      flash(data.message || "The entry could not be deleted (error " + xhr.status + ").", true);
    }).always(function () {
      $form.find("button").prop("disabled", false);
    });
  });
});
