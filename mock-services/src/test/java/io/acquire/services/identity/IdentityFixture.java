package io.acquire.services.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.IdentityWire.PollResult;
import io.acquire.client.wire.IdentityWire.Registered;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.Totp;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** A real backend (registry + identity) on a free port, spoken to over plain HTTP like any client. */
final class IdentityFixture implements AutoCloseable {
  static final String PASSWORD = "correct horse battery";
  private static final MediaType JSON = MediaType.get("application/json");
  private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
  private static final Pattern CSRF_COOKIE = Pattern.compile("acquire_csrf=([^;]+)");

  final MutableClock clock = MutableClock.ofNow();
  final MemoryObjectStore store = new MemoryObjectStore();
  final AcquireServer server;
  final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).build();

  IdentityFixture() {
    this(4);
  }

  /** With a higher {@code bcryptCost}, each check takes long enough for requests to overlap. */
  IdentityFixture(int bcryptCost) {
    this(bcryptCost, 100_000);
  }

  /** With {@code perMinute} registrations, login starts and form posts from one address a minute. */
  IdentityFixture(int bcryptCost, int perMinute) {
    server = AcquireServer.builder().store(store).port(0).clock(clock)
        .services(List.of("registry", "identity"))
        .option("identity.requests-per-minute-per-source", Integer.toString(perMinute))
        .option("identity.sweep-seconds", "1")
        .option("identity.bcrypt-cost", Integer.toString(bcryptCost))
        .option("identity.poll-interval-seconds", "1")
        .start();
  }

  String url(String path) {
    return server.url() + "/t/identity" + path;
  }

  Reply postJson(String path, String json) {
    return send(new Request.Builder().url(url(path)).post(RequestBody.create(json, JSON)).build());
  }

  Reply send(Request request) {
    try (Response response = http.newCall(request).execute()) {
      return new Reply(response.code(), response.body().string(), response.headers().toMultimap());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Totp register(String username) {
    Reply reply = postJson("/users", Json.writeString(Map.of("username", username, "password", PASSWORD)));
    assertEquals(201, reply.status(), reply.body());
    return Totp.fromProvisioningUriUnsafe(Json.read(reply.bytes(), Registered.class).provisioningUri());
  }

  LoginStarted startLogin(String username, SigningKey sessionKey) {
    Reply reply = postJson("/logins", Json.writeString(Map.of("username", username,
        "sessionKey", sessionKey.verifyingKey().toBase64Url(), "deviceName", "test notebook")));
    assertEquals(201, reply.status(), reply.body());
    return Json.read(reply.bytes(), LoginStarted.class);
  }

  PollResult poll(String deviceCode) {
    Reply reply = postJson("/logins/poll", Json.writeString(Map.of("deviceCode", deviceCode)));
    assertEquals(200, reply.status(), reply.body());
    return Json.read(reply.bytes(), PollResult.class);
  }

  /** What a browser holds after opening the page: the cookie's nonce and the form's token. */
  record Csrf(String cookie, String field) {}

  /** Opens the login page like a browser. */
  Csrf openPage(String loginUrl) {
    Reply page = send(new Request.Builder().url(loginUrl).build());
    assertEquals(200, page.status(), page.body());
    Matcher m = CSRF_FIELD.matcher(page.body());
    if (!m.find()) {
      throw new AssertionError("no csrf field on the login page");
    }
    Matcher cookie = CSRF_COOKIE.matcher(String.valueOf(page.header("Set-Cookie")));
    if (!cookie.find()) {
      throw new AssertionError("no csrf cookie from the login page");
    }
    return new Csrf(cookie.group(1), m.group(1));
  }

  /** Submits the approval form as a browser would after opening the page. */
  Reply approve(LoginStarted login, String password, String totpCode) {
    return submit(login.userCode(), openPage(login.loginUrl()), password, totpCode, "approve");
  }

  Reply submit(String userCode, Csrf csrf, String password, String totpCode, String action) {
    return submit(userCode, csrf.cookie(), csrf.field(), password, totpCode, action);
  }

  Reply submit(String userCode, String cookie, String field, String password, String totpCode, String action) {
    return submit(userCode, cookie, field, password, totpCode, action, null);
  }

  /** Approves as a browser that holds the remembered-device cookie {@code device} (or none, if null). */
  Reply approve(LoginStarted login, String password, String totpCode, String device) {
    Csrf csrf = openPage(login.loginUrl());
    return submit(login.userCode(), csrf.cookie(), csrf.field(), password, totpCode, "approve", device);
  }

  Reply submit(String userCode, String cookie, String field, String password, String totpCode, String action,
      String device) {
    FormBody.Builder form = new FormBody.Builder().add("code", userCode).add("password", password)
        .add("totp", totpCode).add("action", action);
    if (field != null) {
      form.add("csrf", field);
    }
    Request.Builder request = new Request.Builder().url(url("/login")).post(form.build());
    String cookies = (cookie != null ? "acquire_csrf=" + cookie : "")
        + (cookie != null && device != null ? "; " : "") + (device != null ? "acquire_device=" + device : "");
    if (!cookies.isEmpty()) {
      request.header("Cookie", cookies);
    }
    return send(request.build());
  }

  /** Register, start and approve a login: a live session. */
  Session loggedIn(String username) {
    Totp totp = register(username);
    SigningKey key = SigningKey.generate();
    LoginStarted login = startLogin(username, key);
    Reply approved = approve(login, PASSWORD, totp.code(clock.instant()));
    assertEquals(200, approved.status(), approved.body());
    PollResult result = poll(login.deviceCode());
    assertEquals("approved", result.status());
    return new Session(key, SessionCertificate.parseUnverified(result.certificate()), totp);
  }

  /** Sends a request signed by {@code session}; {@code tamper} may alter it after signing. */
  Reply signed(Session session, String method, String path, String body, long epochSeconds) {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = RequestSignature.sign(session.key(), session.certificate(), method,
        "/t/identity" + path, bytes, epochSeconds);
    Request.Builder request = new Request.Builder().url(url(path))
        .method(method, body == null && method.equals("GET") ? null : RequestBody.create(bytes, JSON));
    headers.forEach(request::header);
    return send(request.build());
  }

  Reply signed(Session session, String method, String path) {
    return signed(session, method, path, method.equals("GET") ? null : "", clock.instant().getEpochSecond());
  }

  @Override
  public void close() {
    server.close();
  }

  record Session(SigningKey key, SessionCertificate certificate, Totp totp) {}

  record Reply(int status, String body, Map<String, List<String>> headers) {
    byte[] bytes() {
      return body.getBytes(StandardCharsets.UTF_8);
    }

    /** The value this reply sets for cookie {@code name}, or null. */
    String cookie(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
          .flatMap(e -> e.getValue().stream()).filter(c -> c.startsWith(name + "="))
          .map(c -> c.substring(name.length() + 1).split(";", 2)[0]).findFirst().orElse(null);
    }

    /** The whole Set-Cookie line for cookie {@code name}, or null. */
    String setCookie(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Set-Cookie"))
          .flatMap(e -> e.getValue().stream()).filter(c -> c.startsWith(name + "=")).findFirst().orElse(null);
    }

    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  static Duration step() {
    return Totp.STEP;
  }
}
