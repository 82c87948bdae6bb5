/* kg's scripts in the reader's language: the words the server put in the page's JSON boot
 * block (translated from the catalog; the server finds them by reading the scripts' _()
 * and _n() calls), numbers in the language's digits, and names set off by direction.
 *
 *   var t = kgI18n(boot);  // boot: {lang, dir, strings}
 *   t._("Who says so"); t._("{n} hidden", {n: t.num(3)}); t._n("{n} source", "{n} sources", n)
 */
window.kgI18n = function (boot) {
  "use strict";
  var lang = boot.lang || "en";
  var rtl = boot.dir === "rtl";
  var strings = boot.strings || {};
  var numbers = new Intl.NumberFormat(lang);

  function fill(text, values) {
    if (!values) { return text; }
    return text.replace(/\{(\w+)\}/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(values, k) ? String(values[k]) : m;
    });
  }
  function num(n) { return numbers.format(n); }
  var RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;
  var STRONG = /[A-Za-z\u00c0-\u024f\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/;

  return {
    lang: lang, rtl: rtl, num: num,
    // A message in the reader's language, its {fields} filled.
    _: function (message, values) {
      var t = strings[message];
      return fill(typeof t === "string" ? t : message, values);
    },
    // A message about `n` things; {n} is filled with n in the reader's digits.
    _n: function (one, many, n, values) {
      var t = strings[one];
      var text = Array.isArray(t) ? t[n === 1 ? 0 : 1] : (n === 1 ? one : many);
      return fill(text, Object.assign({n: num(n)}, values || {}));
    },
    digits: function (text) { return String(text).replace(/[0-9]/g, function (d) { return num(+d); }); },
    // Text running the other way from the page, set off with Unicode isolates (FSI ... PDI):
    // what a canvas, which has no <bdi>, needs.
    isolated: function (text) {
      text = String(text);
      var first = text.match(STRONG);
      return first && RTL_LETTER.test(first[0]) !== rtl ? "\u2068" + text + "\u2069" : text;
    }
  };
};
