package io.acquire.services.identity;

import static io.acquire.services.http.HtmlText.escape;

import io.acquire.services.identity.IdentityService.Outcome;
import io.javalin.http.Context;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The page a person opens from the QR code: shows where the login came from and its
 * code, and takes password and authenticator code. Plain HTML forms, no JavaScript,
 * so it works in any browser. Posts made by other sites are refused three ways: the
 * cookie is {@code SameSite=Strict}; the hidden field must be identity's signature over
 * the cookie's random nonce and the login's user code (a signed double-submit token);
 * and an {@code Origin} or {@code Referer} sent with the post must be this page's origin.
 */
final class LoginPage {
  private static final String CSRF_COOKIE = "acquire_csrf";
  /** The remembered-device cookie: see IdentityService#rememberedDevice and docs/security.md. */
  static final String DEVICE_COOKIE = "acquire_device";
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private final IdentityService identity;

  LoginPage(IdentityService identity) {
    this.identity = identity;
  }

  void show(Context ctx) {
    String code = ctx.queryParam("code");
    if (code == null || code.isBlank()) {
      render(ctx, 200, "Approve a login", codeForm(csrf(ctx, "")));
      return;
    }
    Optional<LoginRecord> login = identity.loginByUserCode(code);
    if (login.isEmpty()) {
      render(ctx, 404, "No such login", failure("unknown_login", "No login request has the code " + escape(code)
          + ". Check the code on the device that asked, or start a new login there."));
      return;
    }
    render(ctx, 200, "Approve a login", approvalForm(login.get(), csrf(ctx, login.get().userCode())));
  }

  void submit(Context ctx) {
    long wait = identity.approvalWait(ctx);
    if (wait > 0) {
      ctx.header("Retry-After", Long.toString(wait));
      render(ctx, 429, "Too many attempts", message("Too many requests from your address. Try again in " + wait
          + " seconds."));
      return;
    }
    try {
      ctx.formParamMap(); // parsed once here, so that a body that is no form is refused, not a failure
    } catch (Exception e) { // Javalin passes on Jetty's IOException for a malformed multipart body unchecked
      render(ctx, 400, "Request refused", failure("unreadable_form", "This form could not be read. Open the login "
          + "link again and approve from there."));
      return;
    }
    String cookie = ctx.cookie(CSRF_COOKIE);
    String field = ctx.formParam("csrf");
    String code = ctx.formParam("code");
    String action = ctx.formParam("action");
    String normalised = IdentityService.normaliseUserCode(code);
    // The code form is signed for no login; an approval form for its own login's code.
    String binding = "lookup".equals(action) ? "" : normalised == null ? "-" : normalised;
    if (!sameOrigin(ctx) || cookie == null || field == null || cookie.isEmpty()
        || !identity.csrfMatches(cookie, binding, field)) {
      render(ctx, 403, "Request refused", failure("forged_form", "This form did not come from this login page, so it was refused. "
          + "Open the login link again and approve from there."));
      return;
    }
    if ("lookup".equals(action)) {
      ctx.redirect(ctx.path() + "?code=" + (normalised == null ? "invalid" : normalised),
          io.javalin.http.HttpStatus.SEE_OTHER);
      return;
    }
    Outcome outcome = "deny".equals(action)
        ? identity.deny(code)
        : identity.approve(code, nonNull(ctx.formParam("password")), nonNull(ctx.formParam("totp")).strip(),
            ctx.cookie(DEVICE_COOKIE));
    switch (outcome) {
      case APPROVED -> {
        identity.loginByUserCode(code).ifPresent(l -> rememberDevice(ctx, l.username()));
        render(ctx, 200, "Login approved",
            message("Login approved. You can return to your notebook; it is now signed in."));
      }
      case DENIED -> render(ctx, 200, "Login denied",
          message("Login denied. The device that asked will not be signed in."));
      case WRONG_CREDENTIALS -> {
        Optional<LoginRecord> login = identity.loginByUserCode(code);
        String again = login.map(l -> approvalForm(l, csrf(ctx, l.userCode()))).orElse("");
        render(ctx, 401, "Approve a login", error("wrong_credentials", "Password or code is wrong.") + again);
      }
      case CODE_ALREADY_USED -> {
        Optional<LoginRecord> login = identity.loginByUserCode(code);
        String again = login.map(l -> approvalForm(l, csrf(ctx, l.userCode()))).orElse("");
        render(ctx, 401, "Approve a login", error("code_already_used", "That authenticator code was already used; "
            + "each code works once. Wait for the next code (a new one every 30 seconds) and enter it.") + again);
      }
      case TOO_MANY_ATTEMPTS -> {
        long retry = identity.loginByUserCode(code)
            .map(l -> identity.retryAfterSeconds(l.username(), ctx.cookie(DEVICE_COOKIE))).orElse(0L);
        if (retry > 0) {
          ctx.header("Retry-After", Long.toString(retry));
        }
        render(ctx, 429, "Too many attempts", failure("too_many_attempts", "Too many wrong attempts. "
            + (retry > 0 ? "Try again in " + ((retry + 59) / 60) + " minutes, from a new login." : "This login "
            + "request is now denied; start a new login on your device.")));
      }
      case EXPIRED -> render(ctx, 410, "Login expired",
          failure("expired", "This login request has expired. Start a new login on your device."));
      case ALREADY_DECIDED -> render(ctx, 409, "Already decided",
          failure("already_decided", "This login request was already approved or denied."));
      case UNKNOWN_CODE -> render(ctx, 404, "No such login",
          failure("unknown_login", "No login request has that code. Check the code on the device that asked."));
    }
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }

  /**
   * A fresh nonce set as a cookie scoped to this page, and the form's token: identity's
   * signature over it and {@code binding}. The cookie is Secure when the page is served over HTTPS.
   */
  private String csrf(Context ctx, String binding) {
    String nonce = IdentityService.randomToken(24);
    ctx.res().addHeader("Set-Cookie", CSRF_COOKIE + "=" + nonce + "; Path=" + ctx.path()
        + "; Max-Age=1800; HttpOnly; SameSite=Strict" + (https(ctx) ? "; Secure" : ""));
    return identity.csrfToken(nonce, binding);
  }

  /**
   * Marks this browser as one that has approved a login of {@code username}, for 180 days
   * (renewed at each approval): its later attempts for that user are counted per device,
   * apart from the window strangers can fill. Sent only to this page, never to scripts.
   */
  private void rememberDevice(Context ctx, String username) {
    String token = identity.deviceToken(username, ctx.cookie(DEVICE_COOKIE));
    ctx.res().addHeader("Set-Cookie", DEVICE_COOKIE + "=" + token + "; Path=" + ctx.path() + "; Max-Age="
        + IdentityService.DEVICE_LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict" + (https(ctx) ? "; Secure" : ""));
  }

  private boolean https(Context ctx) {
    return identity.publicUrl().startsWith("https:") || ctx.req().isSecure();
  }

  /**
   * A browser names where a post came from in {@code Origin} (or, failing that, {@code
   * Referer}); either, if sent, must be this page's own origin. Neither sent is allowed:
   * some privacy settings drop both, and the signed token still holds.
   */
  private boolean sameOrigin(Context ctx) {
    URI page = URI.create(identity.publicUrl());
    String own = page.getScheme() + "://" + page.getRawAuthority();
    String origin = ctx.header("Origin");
    if (origin != null) {
      return origin.equalsIgnoreCase(own);
    }
    String referer = ctx.header("Referer");
    return referer == null || referer.regionMatches(true, 0, own + "/", 0, own.length() + 1);
  }

  private static String codeForm(String csrf) {
    return "<p>Enter the code shown by the device that wants to sign in.</p>"
        + "<form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">"
        + "<label for=\"code\">Code</label><input id=\"code\" name=\"code\" autocomplete=\"off\" "
        + "placeholder=\"XXXX-XXXX\" required>"
        + "<button name=\"action\" value=\"lookup\">Continue</button></form>";
  }

  private static String approvalForm(LoginRecord login, String csrf) {
    return "<p>A device asks to sign in as <strong>" + escape(login.username()) + "</strong>. "
        + "Approve only if this code matches the one on that device.</p>"
        + "<p class=\"code\" id=\"user-code\">" + escape(login.userCode()) + "</p>"
        + "<dl><dt>Device</dt><dd>" + escape(login.deviceName()) + "</dd>"
        + "<dt>From address</dt><dd>" + escape(login.requesterAddress()) + "</dd>"
        + "<dt>Browser or client</dt><dd>" + escape(login.userAgent()) + "</dd>"
        + "<dt>Asked at</dt><dd>" + TIME.format(login.createdAt()) + "</dd>"
        + "<dt>Expires at</dt><dd>" + TIME.format(login.expiresAt()) + "</dd></dl>"
        + "<form method=\"post\"><input type=\"hidden\" name=\"csrf\" value=\"" + csrf + "\">"
        + "<input type=\"hidden\" name=\"code\" value=\"" + escape(login.userCode()) + "\">"
        + "<label for=\"password\">Password</label>"
        + "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\">"
        + "<label for=\"totp\">Authenticator code</label>"
        + "<input id=\"totp\" name=\"totp\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" maxlength=\"6\" "
        + "autocomplete=\"one-time-code\">"
        + "<div class=\"actions\"><button id=\"approve\" name=\"action\" value=\"approve\">Approve</button>"
        + "<button id=\"deny\" class=\"secondary\" name=\"action\" value=\"deny\" formnovalidate>Deny</button></div>"
        + "</form>";
  }

  /** An error shown above the form; {@code data-code} is the stable code scripts (ApproveLogin) report. */
  private static String error(String code, String html) {
    return "<p class=\"error\" role=\"alert\" data-code=\"" + code + "\">" + html + "</p>";
  }

  private static String failure(String code, String html) {
    return "<p class=\"message\" id=\"message\" data-code=\"" + code + "\">" + html + "</p>";
  }

  private static String message(String html) {
    return "<p class=\"message\" id=\"message\">" + html + "</p>";
  }

  private static void render(Context ctx, int status, String title, String body) {
    ctx.status(status)
        .header("Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        .header("X-Content-Type-Options", "nosniff")
        .header("X-Frame-Options", "DENY")
        // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with the form post.
        .header("Referrer-Policy", "same-origin")
        .header("Cache-Control", "no-store")
        .html("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>" + escape(title) + " · Acquire</title><style>"
            + "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1d2330}"
            + "h1{font-size:1.4rem}.code{font:600 2rem ui-monospace,monospace;letter-spacing:.15em;"
            + "background:#eef2f8;border-radius:.5rem;padding:.6rem;text-align:center}"
            + "dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem;font-size:.9rem}"
            + "dt{color:#5a6275}dd{margin:0;overflow-wrap:anywhere}"
            + "label{display:block;margin-top:.8rem;font-weight:600}"
            + "input{width:100%;box-sizing:border-box;padding:.5rem;font-size:1rem;margin-top:.2rem}"
            + ".actions{display:flex;gap:.6rem;margin-top:1rem}button{flex:1;padding:.6rem;font-size:1rem;"
            + "border:0;border-radius:.4rem;background:#2556c4;color:#fff}button.secondary{background:#8a93a6}"
            + ".error{color:#a4161a;font-weight:600}</style></head><body><h1>" + escape(title) + "</h1>"
            + body + "<p><small>Acquire identity service</small></p></body></html>");
  }
}
