package io.acquire.services.console;

import static io.acquire.services.http.HtmlText.escape;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The console's page frame and escaping; every value from a service or a person goes through {@link #escape}. */
final class Html {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private Html() {}

  static String time(Instant at) {
    return at == null ? "" : TIME.format(at);
  }

  /** A path segment or query value, percent-encoded for a URL inside an attribute. */
  static String url(String value) {
    return escape(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
  }

  /** A POST form to {@code action} carrying the session's CSRF token; {@code fields} is already-escaped HTML. */
  static String form(String action, String csrf, String fields) {
    return form(action, "", csrf, fields);
  }

  private static String form(String action, String attributes, String csrf, String fields) {
    return "<form method=\"post\"" + attributes + " action=\"" + escape(action) + "\"><input type=\"hidden\" "
        + "name=\"csrf\" value=\"" + escape(csrf) + "\">" + fields + "</form>";
  }

  /** Like {@link #form}, as multipart/form-data: the browser sends a file with it, no script needed. */
  static String uploadForm(String action, String csrf, String fields) {
    return form(action, " enctype=\"multipart/form-data\"", csrf, fields);
  }

  static String hidden(String name, String value) {
    return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + escape(value) + "\">";
  }

  /** A labelled input; {@code id} doubles as its name. */
  static String input(String id, String label, String type, String attributes) {
    return "<label for=\"" + id + "\">" + escape(label) + "</label><input id=\"" + id + "\" name=\"" + id
        + "\" type=\"" + type + "\" " + attributes + ">";
  }

  static String button(String id, String text) {
    return "<button id=\"" + id + "\">" + escape(text) + "</button>";
  }

  /**
   * Sends a whole page: the navigation (when signed in), {@code title} and {@code body}
   * (already-escaped HTML), under a policy that allows only this origin's script and images
   * inlined as data (QR codes).
   */
  static void render(Context ctx, int status, String title, String user, String csrf, String body) {
    String nav = user == null ? "" : "<nav aria-label=\"Console\"><a href=\"/console/accounts\">Accounts</a>"
        + "<a href=\"/console/drives\">Drives</a><a href=\"/console/groups\">Groups</a>"
        + "<a href=\"/console/outputs\">Outputs</a>"
        + "<a href=\"/console/jobs\">Jobs</a><span class=\"who\">Signed in as <strong id=\"username\">"
        + escape(user) + "</strong></span>"
        + form("/console/logout", csrf, "<button id=\"logout\" class=\"secondary\">Log out</button>") + "</nav>";
    ctx.status(status)
        .header("Content-Security-Policy", "default-src 'none'; script-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
            + "base-uri 'none'")
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        .header("Referrer-Policy", "same-origin")
        .header("Cache-Control", "no-store")
        .html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>" + escape(title) + " · Acquire console</title><style>" + STYLE + "</style>"
            + "<script src=\"/console/live.js\" defer></script></head><body>" + nav + "<main><h1>" + escape(title)
            + "</h1>" + body + "</main></body></html>");
  }

  /** Dark text on light ground (contrast above 7:1), visible focus rings for keyboard users. */
  private static final String STYLE = "body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#fff}"
      + "main{max-width:60rem;margin:1rem auto;padding:0 1rem}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}"
      + "nav{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;padding:.6rem 1rem;background:#eef2f8}"
      + "nav a{color:#1a3f8f;font-weight:600}.who{margin-left:auto}nav form{display:inline}"
      + "a{color:#1a3f8f}a:focus,button:focus,input:focus,select:focus{outline:3px solid #d97706;outline-offset:2px}"
      + "table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}"
      + "th,td{border-bottom:1px solid #c9d1e0;padding:.3rem .4rem;text-align:left;vertical-align:top}"
      + "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
      + "label{display:block;margin-top:.5rem;font-weight:600}input,select{padding:.35rem;font-size:1rem}"
      + "form.inline{display:inline}button{padding:.4rem .8rem;font-size:.95rem;border:0;border-radius:.3rem;"
      + "background:#1a3f8f;color:#fff;margin-top:.4rem;cursor:pointer}button.secondary{background:#4a5264}"
      + "button.danger{background:#9b1c1c}.code{font:600 1.6rem ui-monospace,monospace;letter-spacing:.12em}"
      + ".error{color:#9b1c1c;font-weight:600}.notice{background:#fff4d6;padding:.5rem;border-radius:.3rem}"
      + "svg{background:#f7f9fc;border:1px solid #c9d1e0;max-width:100%;height:auto}"
      + "dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem}dt{color:#4a5264}dd{margin:0}";
}
