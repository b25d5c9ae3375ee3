/* Flaskr: delete an entry without a reload, the homework the tutorial left, and a preview
   that follows the typing.
   Each entry's delete button is a real form, so it works with JavaScript off;
   this script takes over the submit, asks for JSON, and only removes the entry
   once the server says it is gone. The Preview button is a real submit too; here the
   same server rendering is asked for as the writer types, and its <article class="preview">
   shown under the form. No inline script: it runs under script-src 'self'. */
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

  var previewTimer = null;
  var previewRequest = null;

  function refreshPreview($form) {
    if (previewRequest) { previewRequest.abort(); }
    var data = $form.serializeArray();
    data.push({ name: "preview", value: "1" });
    previewRequest = $.ajax({ url: $form.attr("action"), method: "POST", data: $.param(data) })
      .done(function (html) {
        var $preview = $($.parseHTML(html)).find("article.preview").addBack("article.preview");
        $form.nextAll("article.preview").remove();
        $form.after($preview);
      });
    // A 400 (a title not typed yet, a text too deep): the last preview stays.
  }

  $(document).on("input", "form.add-entry :input", function () {
    var $form = $(this).closest("form");
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () { refreshPreview($form); }, 400);
  });
});
