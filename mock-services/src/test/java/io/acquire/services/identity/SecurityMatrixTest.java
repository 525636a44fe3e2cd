package io.acquire.services.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.Totp;
import io.acquire.services.identity.IdentityFixture.Reply;
import io.acquire.services.identity.IdentityFixture.Session;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each row of the security matrix: refused with the right status and reason, and the service keeps serving. */
class SecurityMatrixTest {
  private IdentityFixture fixture;
  private Session ada;

  @BeforeEach
  void start() {
    fixture = new IdentityFixture();
    ada = fixture.loggedIn("ada");
  }

  @AfterEach
  void serviceKeepsServing() {
    Session fresh = fixture.loggedIn("keeper");
    Reply whoami = fixture.signed(fresh, "GET", "/whoami");
    assertEquals(200, whoami.status(), "the service must keep serving after the refusal: " + whoami.body());
    fixture.close();
  }

  private static void assertRefused(Reply reply, int status, String reason) {
    assertEquals(status, reply.status(), reply.body());
    assertTrue(reply.body().contains(reason), "expected the reason '" + reason + "' in " + reply.body());
  }

  private Reply sendWithHeaders(String method, String path, byte[] body, Map<String, String> headers) {
    Request.Builder request = new Request.Builder().url(fixture.url(path))
        .method(method, method.equals("GET") ? null : RequestBody.create(body, MediaType.get("application/json")));
    headers.forEach(request::header);
    return fixture.send(request.build());
  }

  private long now() {
    return fixture.clock.instant().getEpochSecond();
  }

  @Test
  void validSignedRequestSucceeds() {
    Reply whoami = fixture.signed(ada, "GET", "/whoami");
    assertEquals(200, whoami.status());
    assertTrue(whoami.body().contains("\"username\":\"ada\""), whoami.body());
  }

  @Test
  void requestWithoutSignatureIsRefused() {
    assertRefused(fixture.send(new Request.Builder().url(fixture.url("/whoami")).build()), 401,
        "X-Acquire-Certificate is missing");
  }

  @Test
  void forgedSignatureIsRefused() {
    Session forger = new Session(SigningKey.generate(), ada.certificate(), ada.totp());
    assertRefused(fixture.signed(forger, "GET", "/whoami"), 401, "signature does not match");
  }

  @Test
  void bodyChangedAfterSigningIsRefused() {
    Map<String, String> headers = RequestSignature.sign(ada.key(), ada.certificate(), "POST",
        "/t/identity/logout", "{}".getBytes(StandardCharsets.UTF_8), now());
    Reply reply = sendWithHeaders("POST", "/logout", "{\"all\":true}".getBytes(StandardCharsets.UTF_8), headers);
    assertRefused(reply, 401, "signature does not match");
    assertEquals(200, fixture.signed(ada, "GET", "/whoami").status(), "the tampered logout must not have happened");
  }

  @Test
  void pathChangedAfterSigningIsRefused() {
    Map<String, String> headers = RequestSignature.sign(ada.key(), ada.certificate(), "GET",
        "/t/identity/whoami?x=1", new byte[0], now());
    assertRefused(sendWithHeaders("GET", "/whoami", new byte[0], headers), 401, "signature does not match");
  }

  @Test
  void replayedNonceIsRefused() {
    Map<String, String> headers = RequestSignature.sign(ada.key(), ada.certificate(), "GET",
        "/t/identity/whoami", new byte[0], now());
    assertEquals(200, sendWithHeaders("GET", "/whoami", new byte[0], headers).status());
    assertRefused(sendWithHeaders("GET", "/whoami", new byte[0], headers), 401, "replay");
  }

  @Test
  void timestampTooOldIsRefused() {
    assertRefused(fixture.signed(ada, "GET", "/whoami", null, now() - 301), 401, "more than 300 s");
  }

  @Test
  void timestampInTheFutureIsRefused() {
    assertRefused(fixture.signed(ada, "GET", "/whoami", null, now() + 301), 401, "more than 300 s");
  }

  @Test
  void certificateFromAnotherIdentityKeyIsRefused() {
    SessionClaims claims = ada.certificate().claims();
    SessionCertificate foreign = SessionCertificate.issue(claims, SigningKey.generate());
    Session impostor = new Session(ada.key(), foreign, ada.totp());
    assertRefused(fixture.signed(impostor, "GET", "/whoami"), 401, "not its issuer's");
  }

  @Test
  void certificateWithChangedClaimsIsRefused() {
    String token = ada.certificate().token();
    SessionClaims c = ada.certificate().claims();
    SessionClaims promoted = new SessionClaims(c.issuer(), "admin", c.sessionId(), c.sessionKey(), c.scope(),
        c.issuedAt(), c.expiresAt());
    String forged = io.acquire.client.wire.Base64Url.encode(Json.write(promoted)) + token.substring(token.indexOf('.'));
    Session impostor = new Session(ada.key(), SessionCertificate.parseUnverified(forged), ada.totp());
    assertRefused(fixture.signed(impostor, "GET", "/whoami"), 401, "not its issuer's");
  }

  @Test
  void expiredSessionIsRefused() {
    fixture.clock.advance(Duration.ofHours(25));
    assertRefused(fixture.signed(ada, "GET", "/whoami"), 401, "Session expired");
  }

  @Test
  void loggedOutSessionIsRefused() {
    assertEquals(204, fixture.signed(ada, "POST", "/logout").status());
    assertRefused(fixture.signed(ada, "GET", "/whoami"), 401, "logged out");
  }

  @Test
  void wrongPasswordIsRefused() {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    assertRefused(fixture.approve(login, "not the password", totp.code(fixture.clock.instant())), 401,
        "Password or code is wrong");
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void wrongTotpIsRefused() {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    String wrong = totp.code(fixture.clock.instant().plus(Duration.ofMinutes(5)));
    assertRefused(fixture.approve(login, IdentityFixture.PASSWORD, wrong), 401, "Password or code is wrong");
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void reusedTotpIsRefused() {
    Totp totp = fixture.register("bob");
    String code = totp.code(fixture.clock.instant());
    LoginStarted first = fixture.startLogin("bob", SigningKey.generate());
    assertEquals(200, fixture.approve(first, IdentityFixture.PASSWORD, code).status());
    LoginStarted second = fixture.startLogin("bob", SigningKey.generate());
    assertRefused(fixture.approve(second, IdentityFixture.PASSWORD, code), 401,
        "That authenticator code was already used");
    assertEquals("pending", fixture.poll(second.deviceCode()).status());
  }

  @Test
  void tooManyAttemptsDenyTheLogin() {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    for (int i = 0; i < 4; i++) {
      assertEquals(401, fixture.approve(login, "wrong password " + i, "000000").status());
    }
    assertRefused(fixture.approve(login, "wrong password 5", "000000"), 429, "Too many wrong attempts");
    assertEquals("denied", fixture.poll(login.deviceCode()).status());
    Reply late = fixture.approve(login, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()));
    assertRefused(late, 409, "already approved or denied");
  }

  @Test
  void tooManyAttemptsForOneUserAreRateLimited() {
    Totp totp = fixture.register("bob");
    for (int i = 0; i < 10; i++) {
      LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
      fixture.approve(login, "wrong password", "000000");
    }
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    Reply limited = fixture.approve(login, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()));
    assertRefused(limited, 429, "Too many wrong attempts");
    assertNotNull(limited.header("Retry-After"));
    assertTrue(Long.parseLong(limited.header("Retry-After")) <= 15 * 60);

    fixture.clock.advance(Duration.ofMinutes(16));
    LoginStarted later = fixture.startLogin("bob", SigningKey.generate());
    assertEquals(200, fixture.approve(later, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant())).status());
  }

  @Test
  void retryAfterCountsFromTheFailureThatMustAgeOutNotTheOldest() {
    Totp totp = fixture.register("bob");
    // Racing attempts can record more failures than the limit: here 12, one a minute, the newest a minute ago.
    io.acquire.services.store.JsonObjects objects = new io.acquire.services.store.JsonObjects(fixture.store);
    java.time.Instant now = fixture.clock.instant();
    objects.update("identity/users/bob", UserRecord.class, user -> user.orElseThrow().withFailures(
        java.util.stream.IntStream.range(0, 12).mapToObj(i -> now.minus(Duration.ofMinutes(12 - i))).toList()));
    // Two must age out to get under 10: the third oldest, 10 minutes ago, leaves the window in 5 minutes.
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    Reply limited = fixture.approve(login, IdentityFixture.PASSWORD, totp.code(now));
    assertEquals(429, limited.status());
    assertEquals(300, Long.parseLong(limited.header("Retry-After")));
  }

  @Test
  void crossSitePostWithoutTokenIsRefused() {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    String code = totp.code(fixture.clock.instant());
    assertRefused(fixture.submit(login.userCode(), null, null, IdentityFixture.PASSWORD, code, "approve"), 403,
        "did not come from this login page");
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void crossSitePostWithMismatchedTokenIsRefused() {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    IdentityFixture.Csrf token = fixture.openPage(login.loginUrl());
    String code = totp.code(fixture.clock.instant());
    assertRefused(fixture.submit(login.userCode(), token.cookie(), "attacker-chosen", IdentityFixture.PASSWORD, code,
        "approve"), 403, "did not come from this login page");
    assertRefused(fixture.submit(login.userCode(), null, token.field(), IdentityFixture.PASSWORD, code, "approve"), 403,
        "did not come from this login page");
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void anEqualCookieAndFieldOfTheAttackersChoosingAreRefused() {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    // A plain double-submit check passes any equal pair; one that a cookie-setting attacker could plant.
    assertRefused(fixture.submit(login.userCode(), "chosen-by-attacker", "chosen-by-attacker", IdentityFixture.PASSWORD,
        totp.code(fixture.clock.instant()), "approve"), 403, "did not come from this login page");
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void aTokenFromAnotherLoginRequestsPageIsRefused() {
    Totp totp = fixture.register("bob");
    LoginStarted mine = fixture.startLogin("bob", SigningKey.generate());
    LoginStarted victims = fixture.startLogin("bob", SigningKey.generate());
    IdentityFixture.Csrf token = fixture.openPage(mine.loginUrl());
    assertRefused(fixture.submit(victims.userCode(), token, IdentityFixture.PASSWORD,
        totp.code(fixture.clock.instant()), "approve"), 403, "did not come from this login page");
    assertEquals("pending", fixture.poll(victims.deviceCode()).status());
  }

  @Test
  void aPostFromAnotherOriginIsRefusedEvenWithAValidToken() {
    Totp totp = fixture.register("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    String code = totp.code(fixture.clock.instant());
    for (String[] header : new String[][] {{"Origin", "http://evil.example"}, {"Origin", "null"},
        {"Referer", "http://evil.example/page"}, {"Origin", fixture.server.url() + ".evil.example"}}) {
      IdentityFixture.Csrf token = fixture.openPage(login.loginUrl());
      okhttp3.FormBody form = new okhttp3.FormBody.Builder().add("code", login.userCode())
          .add("password", IdentityFixture.PASSWORD).add("totp", code).add("action", "approve")
          .add("csrf", token.field()).build();
      Reply reply = fixture.send(new okhttp3.Request.Builder().url(fixture.url("/login")).post(form)
          .header("Cookie", "acquire_csrf=" + token.cookie()).header(header[0], header[1]).build());
      assertRefused(reply, 403, "did not come from this login page");
    }
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
    IdentityFixture.Csrf token = fixture.openPage(login.loginUrl());
    okhttp3.FormBody form = new okhttp3.FormBody.Builder().add("code", login.userCode())
        .add("password", IdentityFixture.PASSWORD).add("totp", code).add("action", "approve")
        .add("csrf", token.field()).build();
    Reply sameOrigin = fixture.send(new okhttp3.Request.Builder().url(fixture.url("/login")).post(form)
        .header("Cookie", "acquire_csrf=" + token.cookie()).header("Origin", fixture.server.url()).build());
    assertEquals(200, sameOrigin.status(), sameOrigin.body());
  }

  @Test
  void anUnknownUsernameIsHeldBackLikeAKnownOne() {
    fixture.register("bob");
    java.util.Map<String, java.util.List<Integer>> answers = new java.util.LinkedHashMap<>();
    for (String username : new String[] {"bob", "nobody-here"}) {
      java.util.List<Integer> statuses = new java.util.ArrayList<>();
      for (int i = 0; i < 11; i++) {
        LoginStarted login = fixture.startLogin(username, SigningKey.generate());
        statuses.add(fixture.approve(login, "wrong password", "000000").status());
      }
      answers.put(username, statuses);
      LoginStarted login = fixture.startLogin(username, SigningKey.generate());
      Reply limited = fixture.approve(login, "wrong password", "000000");
      assertRefused(limited, 429, "Too many wrong attempts");
      assertTrue(Long.parseLong(limited.header("Retry-After")) > 0, username);
    }
    assertEquals(answers.get("bob"), answers.get("nobody-here"), "the answers must not tell the two apart");
    assertEquals(429, answers.get("bob").get(10));
  }

  @ParameterizedTest
  @ValueSource(strings = {"../admin", "a/b", "x%2F..", "alice\r\nSet-Cookie: x=y", "Alice", "al", "ada\u0430",
      "<script>", " ada", "ada\u0000"})
  void injectionInUsernamesIsRefused(String username) {
    int usersBefore = fixture.store.list("identity/users/").size();
    Reply reply = fixture.postJson("/users", Json.writeString(Map.of("username", username, "password", "long enough")));
    assertRefused(reply, 400, "username");
    Reply login = fixture.postJson("/logins", Json.writeString(Map.of("username", username,
        "sessionKey", SigningKey.generate().verifyingKey().toBase64Url())));
    assertRefused(login, 400, "username");
    assertEquals(usersBefore, fixture.store.list("identity/users/").size(), "nothing may be stored");
  }

  @Test
  void oversizedUsernameIsRefused() {
    Reply reply = fixture.postJson("/users", Json.writeString(Map.of("username", "a".repeat(10_000), "password", "x")));
    assertRefused(reply, 400, "longer than 32");
  }

  @Test
  void sessionOfOneUserCannotBeUsedWithAnotherUsersKey() {
    Session bob = fixture.loggedIn("bob");
    Session mixed = new Session(bob.key(), ada.certificate(), ada.totp());
    assertRefused(fixture.signed(mixed, "GET", "/whoami"), 401, "signature does not match");
  }

  @Test
  void instantFromCertificateIsTheIssuersClock() {
    Instant issued = ada.certificate().claims().issuedAt();
    assertEquals(fixture.clock.instant().getEpochSecond(), issued.getEpochSecond(), 5);
  }
}
