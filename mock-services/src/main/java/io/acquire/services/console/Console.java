package io.acquire.services.console;

import static io.acquire.services.http.HtmlText.escape;

import io.acquire.client.AcquireException;
import io.acquire.client.AuthenticationException;
import io.acquire.client.LoginDeniedException;
import io.acquire.client.LoginExpiredException;
import io.acquire.client.LoginRequest;
import io.acquire.client.NotFoundException;
import io.acquire.client.PermissionException;
import io.acquire.client.User;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The web console at {@code /console}: server-rendered pages over the SDK. A browser's
 * session is a random cookie naming an in-memory {@link Session} that holds an SDK
 * {@link User} logged in by the same QR/approval flow as a notebook, so every action is a
 * signed call to the services, wherever they run (the registry says where).
 *
 * <p>The cookie is HttpOnly, SameSite=Strict, Secure under HTTPS, scoped to {@code /console};
 * every post carries the session's CSRF token and, if the browser sends one, an
 * {@code Origin} (or {@code Referer}) of the console's own origin. Sessions end after
 * {@code console.idle-seconds} without a request (default 1800), when the SDK session
 * expires, or at logout; a restart ends them all, since they live in this process only.
 */
public final class Console {
  static final String COOKIE = "acquire_console";
  private static final SecureRandom RANDOM = new SecureRandom();
  static final int MAX_SESSIONS = 10_000;

  private final Supplier<String> publicUrl;
  private final String registryUrl;
  private final Clock clock;
  private final Duration idle;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  /**
   * @param publicUrl this server's root, where identity runs
   * @param registryUrl the registry's URL if it runs elsewhere, else null (this server's)
   */
  public Console(Supplier<String> publicUrl, String registryUrl, Clock clock, Duration idle) {
    this.publicUrl = publicUrl;
    this.registryUrl = registryUrl;
    this.clock = clock;
    this.idle = idle;
  }

  /** One browser's session: anonymous until a login it started is approved. */
  static final class Session {
    final String csrf = token();
    volatile Instant lastSeen;
    volatile User user;
    volatile User pending;
    volatile LoginRequest login;
    volatile CompletableFuture<User> waiting;
    final Map<String, io.acquire.client.Job> jobs = new ConcurrentHashMap<>();

    Session(Instant now) {
      lastSeen = now;
    }

    void close() {
      CompletableFuture<User> w = waiting;
      if (w != null) {
        w.cancel(true);
      }
      for (User u : new User[] {user, pending}) {
        if (u != null) {
          try {
            u.close();
          } catch (RuntimeException e) {
            // Logged out locally either way; the service may be unreachable.
          }
        }
      }
    }
  }

  /** A handler for a signed-in page, given the session's user. */
  interface Page {
    void handle(Context ctx, Session session, User user) throws Exception;
  }

  public void mount(Javalin app) {
    Pages pages = new Pages();
    Transfers transfers = new Transfers(pages);
    app.get("/console", ctx -> ctx.redirect(signedIn(ctx) != null ? "/console/accounts" : "/console/login",
        HttpStatus.SEE_OTHER));
    app.get("/console/live.js", this::script);
    app.get("/console/login", this::loginForm);
    app.post("/console/login", this::startLogin);
    app.get("/console/login/wait", this::waitForApproval);
    app.post("/console/logout", ctx -> {
      Session session = current(ctx);
      if (session != null && checkForm(ctx, session)) {
        sessions.remove(ctx.cookie(COOKIE));
        session.close();
        clearCookie(ctx);
        ctx.redirect("/console/login?ended=logout", HttpStatus.SEE_OTHER);
      }
    });
    get(app, "/console/accounts", pages::accounts);
    get(app, "/console/accounts/{account}", pages::statement);
    post(app, "/console/accounts/{account}/limits", pages::setLimits);
    get(app, "/console/drives", pages::drives);
    get(app, "/console/drives/{drive}", pages::drive);
    get(app, "/console/drives/{drive}/versions", pages::versions);
    post(app, "/console/drives/{drive}/upload", transfers::upload);
    get(app, "/console/drives/{drive}/download", transfers::download);
    post(app, "/console/drives/{drive}/share", pages::share);
    post(app, "/console/drives/{drive}/unshare", pages::unshare);
    post(app, "/console/drives/{drive}/links", pages::createLink);
    post(app, "/console/drives/{drive}/links/{link}/revoke", pages::revokeLink);
    GroupPages groups = new GroupPages();
    get(app, "/console/groups", groups::groups);
    post(app, "/console/groups", groups::create);
    post(app, "/console/groups/{group}/add", groups::add);
    post(app, "/console/groups/{group}/remove", groups::remove);
    get(app, "/console/outputs", pages::outputs);
    get(app, "/console/outputs/{drive}", pages::output);
    get(app, "/console/outputs/{drive}/delete", pages::confirmDelete);
    post(app, "/console/outputs/{drive}/delete", pages::delete);
    post(app, "/console/outputs/{drive}/extend", pages::extend);
    post(app, "/console/outputs/{drive}/archive", pages::archive);
    post(app, "/console/outputs/{drive}/publish", pages::publish);
    get(app, "/console/jobs", pages::jobs);
    get(app, "/console/jobs/{job}", pages::job);
    get(app, "/console/jobs/{job}/records", pages::records);
    post(app, "/console/jobs/{job}/cancel", pages::cancel);
  }

  private void get(Javalin app, String path, Page page) {
    app.get(path, ctx -> run(ctx, page, false));
  }

  private void post(Javalin app, String path, Page page) {
    app.post(path, ctx -> run(ctx, page, true));
  }

  private void run(Context ctx, Page page, boolean form) throws Exception {
    Session session = signedIn(ctx);
    if (session == null) {
      if (form) {
        Html.render(ctx, 403, "Signed out", null, null, "<p class=\"error\" role=\"alert\" id=\"message\" "
            + "data-code=\"signed_out\">Your console session has ended, so this was not done. "
            + "<a href=\"/console/login\">Log in again</a>.</p>");
      } else {
        ctx.redirect("/console/login?ended=expired", HttpStatus.SEE_OTHER);
      }
      return;
    }
    if (form && !checkForm(ctx, session)) {
      return;
    }
    try {
      page.handle(ctx, session, session.user);
    } catch (AuthenticationException e) {
      sessions.remove(ctx.cookie(COOKIE));
      session.close();
      ctx.redirect("/console/login?ended=expired", HttpStatus.SEE_OTHER);
    } catch (Refused e) {
      failure(ctx, session, 400, e.getMessage());
    } catch (NotFoundException e) {
      failure(ctx, session, 404, e.getMessage());
    } catch (PermissionException e) {
      failure(ctx, session, 403, e.getMessage());
    } catch (AcquireException e) {
      failure(ctx, session, e.status() >= 400 && e.status() < 500 ? e.status() : 502, e.getMessage());
    } catch (IllegalArgumentException e) {
      // The SDK checks some input itself (paths, durations) before calling a service.
      failure(ctx, session, 400, e.getMessage());
    }
  }

  /** Bad input from a form: shown to the person as a 400 page saying what to change. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private void failure(Context ctx, Session session, int status, String message) {
    Html.render(ctx, status, "Not done", session.user.username(), session.csrf, "<p class=\"error\" role=\"alert\" "
        + "id=\"message\">" + escape(message) + "</p><p>Use your browser's Back button to change the form, or go to "
        + "<a href=\"/console/accounts\">Accounts</a>.</p>");
  }

  // Sessions ----------------------------------------------------------------------------------

  /** The browser's live session, renewing its idle time; null (and forgotten) if none or expired. */
  Session current(Context ctx) {
    String id = ctx.cookie(COOKIE);
    Session session = id == null ? null : sessions.get(id);
    if (session == null) {
      return null;
    }
    Instant now = clock.instant();
    boolean lapsed = session.lastSeen.plus(idle).isBefore(now) || (session.user != null && !session.user.isLoggedIn());
    if (lapsed) {
      sessions.remove(id, session);
      session.close();
      return null;
    }
    session.lastSeen = now;
    return session;
  }

  private Session signedIn(Context ctx) {
    Session session = current(ctx);
    return session != null && session.user != null ? session : null;
  }

  /** The browser's session, or a new anonymous one with a fresh cookie. */
  private Session currentOrNew(Context ctx) {
    Session session = current(ctx);
    if (session == null) {
      sweep();
      if (sessions.size() >= MAX_SESSIONS) {
        // Each visit without a cookie makes a session; a flood of them must not exhaust memory.
        throw new io.acquire.services.http.ApiException(503, "unavailable", "The console has too many open "
            + "sessions right now; try again in a few minutes.");
      }
      session = new Session(clock.instant());
      String id = token();
      sessions.put(id, session);
      setCookie(ctx, id);
    }
    return session;
  }

  /** Drops sessions idle past their time, so abandoned logins do not pile up. */
  private void sweep() {
    Instant limit = clock.instant().minus(idle);
    sessions.entrySet().removeIf(e -> {
      boolean old = e.getValue().lastSeen.isBefore(limit);
      if (old) {
        e.getValue().close();
      }
      return old;
    });
  }

  private void setCookie(Context ctx, String id) {
    ctx.res().addHeader("Set-Cookie", COOKIE + "=" + id + "; Path=/console; HttpOnly; SameSite=Strict"
        + (https(ctx) ? "; Secure" : ""));
  }

  private void clearCookie(Context ctx) {
    ctx.res().addHeader("Set-Cookie", COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict"
        + (https(ctx) ? "; Secure" : ""));
  }

  private boolean https(Context ctx) {
    return publicUrl.get().startsWith("https:") || ctx.req().isSecure();
  }

  private static String token() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * A post must carry the session's token and, if the browser names where it came from,
   * come from the console's own origin; else a 403 page and false.
   */
  private boolean checkForm(Context ctx, Session session) {
    String field;
    try {
      field = ctx.formParam("csrf");
    } catch (RuntimeException e) {
      field = null;
    }
    boolean tokenMatches = field != null && MessageDigest.isEqual(field.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        session.csrf.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    if (tokenMatches && sameOrigin(ctx)) {
      return true;
    }
    Html.render(ctx, 403, "Request refused", session.user == null ? null : session.user.username(), session.csrf,
        "<p class=\"error\" role=\"alert\" id=\"message\" data-code=\"forged_form\">This form did not come from "
        + "this console, so nothing was done. Open the page again and use its form.</p>");
    return false;
  }

  private boolean sameOrigin(Context ctx) {
    URI page = URI.create(publicUrl.get());
    String own = page.getScheme() + "://" + page.getRawAuthority();
    String origin = ctx.header("Origin");
    if (origin != null) {
      return origin.equalsIgnoreCase(own);
    }
    String referer = ctx.header("Referer");
    return referer == null || referer.regionMatches(true, 0, own + "/", 0, own.length() + 1);
  }

  // Login -------------------------------------------------------------------------------------

  private void loginForm(Context ctx) {
    Session session = currentOrNew(ctx);
    if (session.user != null) {
      ctx.redirect("/console/accounts", HttpStatus.SEE_OTHER);
      return;
    }
    String ended = ctx.queryParam("ended");
    String note = "expired".equals(ended) ? "<p class=\"notice\" role=\"status\" id=\"ended\">Your session expired; "
        + "log in again.</p>" : "logout".equals(ended) ? "<p class=\"notice\" role=\"status\" id=\"ended\">You "
        + "are logged out.</p>" : "";
    Html.render(ctx, 200, "Log in", null, session.csrf, note + "<p>Enter your username. You will be shown a QR "
        + "code: open it on your phone (or any device) and approve with your password and authenticator code, "
        + "as for a notebook.</p>" + Html.form("/console/login", session.csrf,
        Html.input("login-username", "Username", "text", "autocomplete=\"username\" required maxlength=\"64\"")
            + Html.button("start-login", "Log in")));
  }

  private void startLogin(Context ctx) {
    Session session = currentOrNew(ctx);
    if (!checkForm(ctx, session)) {
      return;
    }
    String username = ctx.formParam("login-username");
    if (username == null || username.isBlank() || username.length() > 64) {
      Html.render(ctx, 400, "Log in", null, session.csrf, "<p class=\"error\" role=\"alert\" id=\"message\">Enter "
          + "your username (1 to 64 characters).</p><p><a href=\"/console/login\">Try again</a></p>");
      return;
    }
    User user = User.builder().username(username.strip()).identityUrl(publicUrl.get() + "/t/identity")
        .registryUrl(registryUrl != null ? registryUrl : publicUrl.get() + "/t/registry")
        .deviceName("Acquire web console").build();
    LoginRequest login;
    try {
      login = user.requestLogin();
    } catch (AcquireException e) {
      user.close();
      Html.render(ctx, e.status() == 429 ? 429 : 400, "Log in", null, session.csrf, "<p class=\"error\" "
          + "role=\"alert\" id=\"message\">" + escape(e.getMessage()) + "</p><p><a href=\"/console/login\">Try "
          + "again</a></p>");
      return;
    }
    session.close();
    session.user = null;
    session.pending = user;
    session.login = login;
    session.waiting = user.waitForLoginAsync(Duration.between(clock.instant(), login.expiresAt()).plusSeconds(5));
    ctx.redirect("/console/login/wait", HttpStatus.SEE_OTHER);
  }

  /**
   * The QR code and code while the login waits, refreshing itself (no script needed); once
   * approved, the browser gets a new session id bound to the approved login.
   */
  private void waitForApproval(Context ctx) {
    Session session = current(ctx);
    if (session == null || session.waiting == null) {
      ctx.redirect("/console/login", HttpStatus.SEE_OTHER);
      return;
    }
    CompletableFuture<User> waiting = session.waiting;
    if (waiting.isDone()) {
      try {
        User user = waiting.join();
        Session approved = new Session(clock.instant());
        approved.user = user;
        String old = ctx.cookie(COOKIE);
        sessions.remove(old);
        String id = token();
        sessions.put(id, approved);
        setCookie(ctx, id); // a new id once signed in, so a cookie planted before login is worth nothing
        ctx.redirect("/console/accounts", HttpStatus.SEE_OTHER);
      } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        session.waiting = null;
        String why = cause instanceof LoginDeniedException ? "The login was denied."
            : cause instanceof LoginExpiredException ? "The login expired before it was approved."
            : "The login failed: " + cause.getMessage();
        Html.render(ctx, 200, "Log in", null, session.csrf, "<p class=\"error\" role=\"alert\" id=\"message\">"
            + escape(why) + "</p><p><a href=\"/console/login\">Start again</a></p>");
      }
      return;
    }
    LoginRequest login = session.login;
    ctx.header("Refresh", "2");
    Html.render(ctx, 200, "Approve this login", null, session.csrf, "<p>Scan the code with your phone, or open "
        + "the link on any device, and approve with your password and authenticator code. This page moves on "
        + "by itself once you have.</p><img id=\"login-qr\" width=\"240\" height=\"240\" alt=\"QR code of the "
        + "login link\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(login.qrCodePng())
        + "\"><p>Code <span class=\"code\" id=\"user-code\">" + escape(login.userCode()) + "</span></p>"
        + "<p><a id=\"login-url\" href=\"" + escape(login.url()) + "\" target=\"_blank\" rel=\"noopener\">"
        + escape(login.url()) + "</a></p><p>Expires at " + Html.time(login.expiresAt()) + ".</p>"
        + "<p><a href=\"/console/login/wait\">Check now</a></p>");
  }

  private void script(Context ctx) throws IOException {
    try (InputStream in = Console.class.getResourceAsStream("live.js")) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("live.js missing from the jar"));
      }
      ctx.header("Cache-Control", "no-cache").header("X-Content-Type-Options", "nosniff")
          .contentType("text/javascript; charset=utf-8").result(in.readAllBytes());
    }
  }
}
