// Grantry's HTTPS bridge: the provider redirects the browser here with the answer to a
// sign-in in the query (RFC 6749 §4.1.2 and §4.1.2.1), and this page hands the parts Grantry
// reads, and only those, to the app's own redirect URI, dev.grantry:/oauth/callback, which
// the operating system gives to the running app. README.md beside this file says why it exists
// and how to host it.
//
// It never fetches anything and writes the answer into the page only as text. Whatever does
// not look like a sign-in answer is refused, with a reason a person can read, and nothing is
// handed over.
"use strict";

(function () {
  var TARGET = "dev.grantry:/oauth/callback";

  // The answer's parameters Grantry reads, in the order they are handed over. error_reason
  // and error_code are Facebook's additions to an error; iss is RFC 9207's issuer.
  var FORWARDED = [
    "code",
    "state",
    "error",
    "error_description",
    "error_reason",
    "error_code",
    "iss",
  ];

  // Longer than any code or state a provider sends; a longer value is not an answer.
  var MAX_VALUE = 2048;
  // Bounds on the whole query, so a crafted address cannot make this page work hard.
  var MAX_QUERY = 16384;
  var MAX_PARAMETERS = 32;

  // RFC 6749 Appendix A: code, state, error_reason and error_code are printable ASCII
  // (VSCHAR, %x20-7E); error and error_description also leave out '"' and '\' (NQSCHAR).
  var VSCHAR = /^[\x20-\x7e]*$/;
  var NQSCHAR = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
  var CONTROL = /[\x00-\x1f\x7f-\x9f]/;
  // Parameter names as providers write them; anything else is not an answer.
  var NAME = /^[A-Za-z0-9_.\-]{1,64}$/;

  function Refusal(reason) {
    this.reason = reason;
  }

  function refuse(reason) {
    throw new Refusal(reason);
  }

  // application/x-www-form-urlencoded decoding of one name or value (the provider's '+' is a
  // space); a malformed percent-escape or invalid UTF-8 is refused.
  function decode(text) {
    try {
      return decodeURIComponent(text.replace(/\+/g, " "));
    } catch (e) {
      return refuse("Part of the address is not correctly encoded.");
    }
  }

  // The forwarded parameters of `search` (location.search), checked; throws a Refusal.
  function read(search) {
    if (search === "" || search === "?") {
      refuse(
        "The address holds no sign-in answer. This page is meant to be opened by your " +
          "provider after you sign in, not directly."
      );
    }
    if (search.length > MAX_QUERY) {
      refuse("The address is far longer than any sign-in answer.");
    }
    var pairs = search.slice(1).split("&");
    if (pairs.length > MAX_PARAMETERS) {
      refuse("The address holds far more parameters than any sign-in answer.");
    }
    var seen = Object.create(null);
    pairs.forEach(function (pair) {
      var equals = pair.indexOf("=");
      if (equals < 1) {
        refuse("The address is not shaped like a sign-in answer (name=value pairs).");
      }
      var name = decode(pair.slice(0, equals));
      if (!NAME.test(name)) {
        refuse("The address holds a parameter whose name no sign-in answer uses.");
      }
      // A name given twice could be read one way here and another way by Grantry.
      if (name in seen) {
        refuse("The parameter \u201c" + name + "\u201d appears more than once.");
      }
      seen[name] = decode(pair.slice(equals + 1));
    });

    var answer = [];
    FORWARDED.forEach(function (name) {
      if (!(name in seen)) {
        return;
      }
      var value = seen[name];
      if (value === "") {
        refuse("The parameter \u201c" + name + "\u201d is empty.");
      }
      if (value.length > MAX_VALUE) {
        refuse(
          "The value of \u201c" + name + "\u201d is longer than " + MAX_VALUE + " characters."
        );
      }
      if (CONTROL.test(value)) {
        refuse("The value of \u201c" + name + "\u201d contains control characters.");
      }
      var allowed = name === "error" || name === "error_description" ? NQSCHAR : VSCHAR;
      if (!allowed.test(value)) {
        refuse(
          "The value of \u201c" + name + "\u201d contains characters no sign-in answer holds."
        );
      }
      answer.push([name, value]);
    });

    // RFC 6749 §4.1.2 and §4.1.2.1: a code or an error, each with the state the request sent.
    if (!("state" in seen)) {
      refuse(
        "The answer has no state, so Grantry could not tell which sign-in it belongs to."
      );
    }
    var hasCode = "code" in seen;
    var hasError = "error" in seen;
    if (!hasCode && !hasError) {
      refuse("The answer holds neither a code nor an error.");
    }
    if (hasCode && hasError) {
      refuse("The answer holds both a code and an error.");
    }
    return answer;
  }

  // dev.grantry:/oauth/callback?… with every value percent-encoded.
  function target(answer) {
    return (
      TARGET +
      "?" +
      answer
        .map(function (pair) {
          return pair[0] + "=" + encodeURIComponent(pair[1]);
        })
        .join("&")
    );
  }

  function paragraph(text, className) {
    var p = document.createElement("p");
    p.textContent = text;
    if (className) {
      p.className = className;
    }
    return p;
  }

  function show(title, state, parts) {
    var heading = document.getElementById("title");
    var status = document.getElementById("status");
    heading.textContent = title;
    document.title = title + " \u2013 Grantry";
    document.body.setAttribute("data-state", state);
    status.replaceChildren.apply(status, parts);
  }

  function showHandoff(href, answer) {
    var link = document.createElement("a");
    link.id = "open";
    link.className = "open";
    link.href = href;
    link.textContent = "Open Grantry";
    var parts = [
      paragraph("If nothing happens, choose Open Grantry."),
      link,
      paragraph("You can close this tab once Grantry has shown the result.", "detail"),
    ];
    var error = answer.filter(function (pair) {
      return pair[0] === "error";
    })[0];
    if (error) {
      parts.unshift(
        paragraph(
          "Your provider says the sign-in did not go through (" +
            error[1] +
            "). Grantry will tell you more."
        )
      );
    }
    show("Opening Grantry\u2026", "handoff", parts);
  }

  function showRefusal(reason) {
    var message = paragraph(reason, "problem");
    message.id = "reason";
    show("The sign-in answer was not passed to Grantry", "refused", [
      message,
      paragraph(
        "Nothing was sent to Grantry. Start the sign-in again from Grantry. If this keeps " +
          "happening, check that the address registered at your provider is this page's.",
        "detail"
      ),
    ]);
    document.getElementById("title").focus();
  }

  var search = window.location.search;
  // Before anything else: the code leaves the address bar and this history entry (the
  // fragment too, such as Facebook's "#_=_"), whether or not it is handed over.
  if (search !== "" || window.location.hash !== "") {
    window.history.replaceState(null, "", window.location.pathname);
  }
  var answer;
  try {
    answer = read(search);
  } catch (e) {
    if (e instanceof Refusal) {
      showRefusal(e.reason);
      return;
    }
    showRefusal("This page could not read the answer.");
    return;
  }
  var href = target(answer);
  showHandoff(href, answer);
  window.location.replace(href);
})();
