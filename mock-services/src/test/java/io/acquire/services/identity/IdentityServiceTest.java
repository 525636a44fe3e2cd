package io.acquire.services.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.IdentityWire.PollResult;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.Totp;
import io.acquire.client.wire.VerifyingKey;
import io.acquire.services.identity.IdentityFixture.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdentityServiceTest {
  private final IdentityFixture fixture = new IdentityFixture();

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void registrationReturnsAnAuthenticatorUriAndStoresOnlyAHash() {
    Reply reply = fixture.postJson("/users", Json.writeString(Map.of("username", "ada", "password", "long enough pw")));
    assertEquals(201, reply.status());
    assertTrue(reply.body().contains("otpauth://totp/Acquire:ada?secret="), reply.body());
    String stored = new String(fixture.store.get("identity/users/ada").orElseThrow().data(), StandardCharsets.UTF_8);
    assertFalse(stored.contains("long enough pw"), "the password itself must never be stored");
    assertTrue(stored.contains("$2a$04$"), "bcrypt at the configured cost");
  }

  @Test
  void registeringATakenUsernameConflicts() {
    fixture.register("ada");
    Reply again = fixture.postJson("/users", Json.writeString(Map.of("username", "ada", "password", "another pw")));
    assertEquals(409, again.status());
    assertTrue(again.body().contains("taken"), again.body());
  }

  @Test
  void badRegistrationBodiesNameTheProblem() {
    assertProblem(fixture.postJson("/users", "{not json"), "not valid JSON");
    assertProblem(fixture.postJson("/users", "{\"username\": 5, \"password\": []}"), "'password'");
    assertProblem(fixture.postJson("/users", "{\"password\": \"long enough\"}"), "'username' is required");
    assertProblem(fixture.postJson("/users", "{\"username\": \"ada\"}"), "'password' is required");
    assertProblem(fixture.postJson("/users", "{\"username\": \"ada\", \"password\": \"short\"}"), "at least 8");
    assertProblem(fixture.postJson("/users", Json.writeString(Map.of("username", "ada", "password", "p".repeat(129)))),
        "longer than 128");
    assertProblem(fixture.postJson("/users", ""), "empty");
    assertTrue(fixture.store.list("identity/users/").isEmpty());
  }

  @Test
  void passwordsLongerThanBcryptsLimitStillCountEveryCharacter() {
    String base = "x".repeat(100);
    Totp totp = registered(fixture.postJson("/users", Json.writeString(Map.of("username", "ada", "password", base + "A"))));
    LoginStarted login = fixture.startLogin("ada", SigningKey.generate());
    assertEquals(401, fixture.approve(login, base + "B", totp.code(fixture.clock.instant())).status(),
        "a password differing after byte 72 must not be accepted");
    assertEquals(200, fixture.approve(login, base + "A", totp.code(fixture.clock.instant())).status());
  }

  @Test
  void aPasswordMatchesHoweverItsAccentsWereTyped() {
    String composed = "caf\u00e9 au lait";
    String decomposed = "cafe\u0301 au lait";
    Totp totp = registered(fixture.postJson("/users", Json.writeString(Map.of("username", "ada", "password", composed))));
    LoginStarted login = fixture.startLogin("ada", SigningKey.generate());
    assertEquals(200, fixture.approve(login, decomposed, totp.code(fixture.clock.instant())).status());
  }

  private static Totp registered(Reply reply) {
    assertEquals(201, reply.status(), reply.body());
    return Totp.fromProvisioningUriUnsafe(Json.read(reply.bytes(),
        io.acquire.client.wire.IdentityWire.Registered.class).provisioningUri());
  }

  @Test
  void theTotpSecretIsSealedInTheStore() {
    Totp totp = fixture.register("ada");
    String stored = new String(fixture.store.get("identity/users/ada").orElseThrow().data(), StandardCharsets.UTF_8);
    String secret = Json.read(stored.getBytes(StandardCharsets.UTF_8), UserRecord.class).totpSecret();
    assertTrue(secret.startsWith("sealed:v1:"), "sealed with the key-encryption key");
    assertFalse(stored.contains(totp.base32SecretUnsafe()), "the Base32 secret itself is not in the store");
  }

  @Test
  void loginStartNamesBadFields() {
    assertProblem(fixture.postJson("/logins", "{\"username\": \"ada\", \"sessionKey\": \"%%%\"}"), "'sessionKey'");
    assertProblem(fixture.postJson("/logins", "{\"username\": \"ada\", \"sessionKey\": \"AAAA\"}"), "Ed25519");
    assertProblem(fixture.postJson("/logins", "{\"username\": \"ada\"}"), "'sessionKey' is required");
    assertProblem(fixture.postJson("/logins", Json.writeString(Map.of("username", "ada",
        "sessionKey", SigningKey.generate().verifyingKey().toBase64Url(), "deviceName", "d".repeat(101)))), "'deviceName'");
  }

  @Test
  void loginStartFollowsTheDeviceGrantShape() {
    fixture.register("ada");
    LoginStarted login = fixture.startLogin("ada", SigningKey.generate());
    assertTrue(login.userCode().matches("[B-Z&&[^AEIOUY]]{4}-[B-Z&&[^AEIOUY]]{4}"), login.userCode());
    assertEquals(fixture.url("/login?code=" + login.userCode()), login.loginUrl());
    assertEquals(1, login.interval());
    assertTrue(login.expiresAt().isAfter(fixture.clock.instant().plusSeconds(590)));
    assertTrue(login.deviceCode().length() >= 40);
    String stored = String.join("", fixture.store.list("identity/"));
    assertFalse(stored.contains(login.deviceCode()), "the device code is stored only as a hash");
  }

  @Test
  void loginPageShowsWhereTheRequestCameFromAndEscapesIt() {
    fixture.register("ada");
    Reply started = fixture.postJson("/logins", Json.writeString(Map.of("username", "ada",
        "sessionKey", SigningKey.generate().verifyingKey().toBase64Url(), "deviceName", "<b>evil</b> laptop")));
    LoginStarted login = Json.read(started.bytes(), LoginStarted.class);
    Reply page = fixture.send(new Request.Builder().url(login.loginUrl()).build());
    assertEquals(200, page.status());
    assertTrue(page.body().contains(login.userCode()));
    assertTrue(page.body().contains("&lt;b&gt;evil&lt;/b&gt; laptop"), "device name shown, escaped");
    assertFalse(page.body().contains("<b>evil</b>"));
    assertTrue(page.body().contains("127.0.0.1"));
    assertTrue(page.body().contains("<strong>ada</strong>"));
    assertTrue(page.header("Content-Security-Policy").contains("default-src 'none'"));
    assertTrue(page.header("Set-Cookie").contains("SameSite=Strict"));
    assertTrue(page.header("Set-Cookie").contains("HttpOnly"));
    assertFalse(page.body().contains("<script"), "the page needs no JavaScript");
  }

  @Test
  void loginPageForAnUnknownCodeSaysSo() {
    Reply page = fixture.send(new Request.Builder().url(fixture.url("/login?code=BBBB-CCCC")).build());
    assertEquals(404, page.status());
    assertTrue(page.body().contains("No login request has the code"));
  }

  @Test
  void pollingGoesFromPendingThroughSlowDownToApprovedExactlyOnce() {
    Totp totp = fixture.register("ada");
    SigningKey key = SigningKey.generate();
    LoginStarted login = fixture.startLogin("ada", key);
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
    PollResult tooSoon = fixture.poll(login.deviceCode());
    assertEquals("slow_down", tooSoon.status());
    assertEquals(6, tooSoon.interval());
    fixture.clock.advance(Duration.ofSeconds(6));
    assertEquals("pending", fixture.poll(login.deviceCode()).status());

    assertEquals(200, fixture.approve(login, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant())).status());
    fixture.clock.advance(Duration.ofSeconds(6));
    PollResult approved = fixture.poll(login.deviceCode());
    assertEquals("approved", approved.status());
    VerifyingKey identityKey = VerifyingKey.fromBase64Url(
        Json.read(fixture.send(new Request.Builder().url(fixture.url("")).build()).bytes(),
            io.acquire.client.wire.ServiceInfo.class).publicKey());
    SessionCertificate certificate = SessionCertificate.verify(approved.certificate(), identityKey);
    assertEquals("ada", certificate.claims().user());
    assertEquals(key.verifyingKey().toBase64Url(), certificate.claims().sessionKey());
    assertEquals("user", certificate.claims().scope());

    fixture.clock.advance(Duration.ofSeconds(6));
    assertEquals("expired", fixture.poll(login.deviceCode()).status(), "a certificate is handed out once");
  }

  @Test
  void anUnapprovedLoginExpires() {
    fixture.register("ada");
    LoginStarted login = fixture.startLogin("ada", SigningKey.generate());
    fixture.clock.advance(Duration.ofMinutes(11));
    assertEquals("expired", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void denyingALoginTellsThePoller() {
    fixture.register("ada");
    LoginStarted login = fixture.startLogin("ada", SigningKey.generate());
    Reply denied = fixture.submit(login.userCode(), fixture.openPage(login.loginUrl()), "", "", "deny");
    assertEquals(200, denied.status());
    assertTrue(denied.body().contains("Login denied"));
    assertEquals("denied", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void unknownDeviceCodeIsABadRequest() {
    assertProblem(fixture.postJson("/logins/poll", "{\"deviceCode\": \"nope\"}"), "Unknown device code");
  }

  @Test
  void loginForAnUnknownUserLooksTheSameButCanNeverBeApproved() {
    LoginStarted login = fixture.startLogin("ghost", SigningKey.generate());
    assertNotNull(login.userCode());
    Reply attempt = fixture.approve(login, IdentityFixture.PASSWORD, "123456");
    assertEquals(401, attempt.status());
    assertEquals("pending", fixture.poll(login.deviceCode()).status());
  }

  @Test
  void concurrentRegistrationsOfOneNameHaveExactlyOneWinner() throws Exception {
    List<Integer> statuses = runConcurrently(16, i -> fixture.postJson("/users",
        Json.writeString(Map.of("username", "ada", "password", "password " + i))).status());
    assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
    assertEquals(15, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
  }

  @Test
  void oneTotpCodeApprovesOnlyOneOfTwoConcurrentLogins() throws Exception {
    Totp totp = fixture.register("ada");
    String code = totp.code(fixture.clock.instant());
    List<LoginStarted> logins = List.of(fixture.startLogin("ada", SigningKey.generate()),
        fixture.startLogin("ada", SigningKey.generate()));
    List<Integer> statuses = runConcurrently(2,
        i -> fixture.approve(logins.get(i), IdentityFixture.PASSWORD, code).status());
    assertEquals(List.of(200, 401), statuses.stream().sorted().toList());
  }

  @Test
  void whoamiReportsTheCaller() {
    IdentityFixture.Session ada = fixture.loggedIn("ada");
    Reply whoami = fixture.signed(ada, "GET", "/whoami");
    assertEquals(200, whoami.status());
    assertTrue(whoami.body().contains(ada.certificate().claims().sessionId()));
  }

  private interface Task {
    int run(int index) throws Exception;
  }

  private static List<Integer> runConcurrently(int count, Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(count);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        futures.add(pool.submit((Callable<Integer>) () -> task.run(index)));
      }
      List<Integer> results = new ArrayList<>();
      for (Future<Integer> f : futures) {
        results.add(f.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertProblem(Reply reply, String problem) {
    assertEquals(400, reply.status(), reply.body());
    assertTrue(reply.body().contains(problem), "expected '" + problem + "' in " + reply.body());
    assertTrue(reply.body().contains("\"requestId\":\"req_"), reply.body());
  }
}
