// Behaviour every page shares, kept out of the markup so the Content-Security-Policy can forbid inline script.
document.addEventListener("DOMContentLoaded", () => {
  // The language menu switches as soon as a language is picked (the button is there without JavaScript).
  for (const select of document.querySelectorAll("select[data-autosubmit]")) {
    select.addEventListener("change", () => select.form.submit());
  }
});
