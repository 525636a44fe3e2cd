package io.acquire.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.stubFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.junit5.WireMockRuntimeInfo;
import com.github.tomakehurst.wiremock.junit5.WireMockTest;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SessionClaims;
import io.acquire.client.wire.SigningKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@WireMockTest
class UserLoginTest {
  private static final String DEVICE_CODE = "device-code-that-is-a-secret-0123456789";
  private static final String PROVISIONING = "otpauth://totp/Acquire:ada?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Acquire";

  /** A clock that moves only when the user "sleeps", so polling runs instantly and deterministically. */
  static final class SleepClock extends Clock {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    final List<Duration> sleeps = new ArrayList<>();

    void sleep(Duration d) {
      sleeps.add(d);
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private final SleepClock clock = new SleepClock();
  private String identityUrl;
  private SigningKey issuer;

  @TempDir
  Path temp;

  @BeforeEach
  void setUp(WireMockRuntimeInfo wm) {
    identityUrl = wm.getHttpBaseUrl() + "/t/identity";
    issuer = SigningKey.generate();
    stubFor(post(urlEqualTo("/t/identity/logins")).willReturn(aResponse().withStatus(201).withHeader(
        "Content-Type", "application/json").withBody(Json.writeString(Map.of("deviceCode", DEVICE_CODE,
        "userCode", "WDJB-MJHT", "loginUrl", identityUrl + "/login?code=WDJB-MJHT",
        "expiresAt", clock.now.plusSeconds(600).toString(), "interval", 2)))));
  }

  private User user() {
    return User.builder().username("ada").identityUrl(identityUrl).clock(clock)
        .retryPolicy(RetryPolicy.defaults().withSleeper(clock::sleep)).build();
  }

  private String certificateFor(String body) {
    Matcher key = Pattern.compile("\"sessionKey\":\"([^\"]+)\"").matcher(body);
    assertTrue(key.find());
    return SessionCertificate.issue(new SessionClaims("identity", "ada", "session-1", key.group(1), "user",
        clock.now, clock.now.plusSeconds(3600)), issuer).token();
  }

  private void pollAnswers(String... statuses) {
    String state = STARTED;
    for (int i = 0; i < statuses.length; i++) {
      String next = i == statuses.length - 1 ? state : "poll" + (i + 1);
      stubFor(post(urlEqualTo("/t/identity/logins/poll")).inScenario("poll").whenScenarioStateIs(state)
          .withRequestBody(equalTo("{\"deviceCode\":\"" + DEVICE_CODE + "\"}"))
          .willReturn(okJson(statuses[i])).willSetStateTo(next));
      state = next;
    }
  }

  @Test
  void pollingHonoursIntervalAndSlowDownUntilApproved() {
    User user = user();
    LoginRequest login = user.requestLogin();
    String startBody = WireMock.findAll(postRequestedFor(urlEqualTo("/t/identity/logins"))).get(0).getBodyAsString();
    pollAnswers("{\"status\":\"pending\"}", "{\"status\":\"slow_down\",\"interval\":7}", "{\"status\":\"pending\"}",
        "{\"status\":\"approved\",\"certificate\":\"" + certificateFor(startBody) + "\"}");

    assertFalse(user.isLoggedIn());
    user.waitForLogin(Duration.ofMinutes(5));
    assertTrue(user.isLoggedIn());
    assertEquals(List.of(Duration.ofSeconds(2), Duration.ofSeconds(7), Duration.ofSeconds(7)), clock.sleeps);
    assertEquals("WDJB-MJHT", login.userCode());
    assertTrue(user.toString().contains("logged in until"), user.toString());
  }

  @Test
  void slowDownWithoutANewIntervalAddsFiveSeconds() {
    User user = user();
    user.requestLogin();
    String startBody = WireMock.findAll(postRequestedFor(urlEqualTo("/t/identity/logins"))).get(0).getBodyAsString();
    pollAnswers("{\"status\":\"slow_down\"}", "{\"status\":\"approved\",\"certificate\":\"" + certificateFor(startBody) + "\"}");
    user.waitForLogin(Duration.ofMinutes(5));
    assertEquals(List.of(Duration.ofSeconds(7)), clock.sleeps);
  }

  @Test
  void expiryWhilePollingThrowsLoginExpired() {
    User user = user();
    user.requestLogin();
    pollAnswers("{\"status\":\"pending\"}", "{\"status\":\"expired\"}");
    LoginExpiredException e = assertThrows(LoginExpiredException.class, () -> user.waitForLogin(Duration.ofMinutes(5)));
    assertTrue(e.getMessage().contains("requestLogin() again"), e.getMessage());
    assertFalse(user.isLoggedIn());
    assertThrows(IllegalStateException.class, () -> user.waitForLogin(Duration.ofMinutes(1)),
        "an expired login is forgotten");
  }

  @Test
  void denialThrowsLoginDenied() {
    User user = user();
    user.requestLogin();
    pollAnswers("{\"status\":\"denied\"}");
    assertThrows(LoginDeniedException.class, () -> user.waitForLogin(Duration.ofMinutes(5)));
  }

  @Test
  void callersTimeoutLeavesTheLoginWaiting() {
    User user = user();
    user.requestLogin();
    pollAnswers("{\"status\":\"pending\"}");
    LoginTimeoutException e = assertThrows(LoginTimeoutException.class, () -> user.waitForLogin(Duration.ofSeconds(9)));
    assertTrue(e.getMessage().contains("you can wait again"), e.getMessage());
    assertTrue(clock.sleeps.size() >= 3 && clock.sleeps.size() <= 5, clock.sleeps.toString());
    assertTrue(user.toString().contains("waiting for approval of WDJB-MJHT"), user.toString());
  }

  @Test
  void waitingWithoutARequestedLoginIsAnError() {
    assertThrows(IllegalStateException.class, () -> user().waitForLogin(Duration.ofSeconds(1)));
  }

  @Test
  void cancellingTheAsyncWaitStopsPolling() throws Exception {
    CountDownLatch polled = new CountDownLatch(1);
    User user = User.builder().username("ada").identityUrl(identityUrl)
        .retryPolicy(RetryPolicy.defaults().withSleeper(d -> {
          polled.countDown();
          Thread.sleep(d.toMillis());
        })).build();
    user.requestLogin();
    pollAnswers("{\"status\":\"pending\"}");
    CompletableFuture<User> waiting = user.waitForLoginAsync(Duration.ofMinutes(5));
    assertTrue(polled.await(10, TimeUnit.SECONDS));
    waiting.cancel(true);
    assertThrows(CancellationException.class, waiting::get);
    Thread.sleep(2500);
    int polls = WireMock.findAll(postRequestedFor(urlEqualTo("/t/identity/logins/poll"))).size();
    Thread.sleep(2500);
    assertEquals(polls, WireMock.findAll(postRequestedFor(urlEqualTo("/t/identity/logins/poll"))).size(),
        "no polling after cancel");
  }

  @Test
  void loginQrCodeDecodesToExactlyTheLoginUrl() throws Exception {
    LoginRequest login = user().requestLogin();
    var image = ImageIO.read(new ByteArrayInputStream(login.qrCodePng()));
    assertEquals(300, image.getWidth());
    String decoded = new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(
        new BufferedImageLuminanceSource(image)))).getText();
    assertEquals(login.url(), decoded);
  }

  @Test
  void secretsNeverAppearInToStringsOrErrors() {
    stubFor(post(urlEqualTo("/t/identity/users")).willReturn(aResponse().withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(Json.writeString(Map.of("username", "ada", "provisioningUri", PROVISIONING)))));
    User user = user();
    Registration registration = user.register("hunter2-password");
    LoginRequest login = user.requestLogin();
    String everything = user + " " + registration + " " + login + " " + RetryPolicy.defaults()
        + " " + Wallet.inDirectory(temp);
    assertFalse(everything.contains("JBSWY3DP"), everything);
    assertFalse(everything.contains("hunter2"), everything);
    assertFalse(everything.contains(DEVICE_CODE), everything);
    assertEquals(PROVISIONING, registration.provisioningUriUnsafe());

    stubFor(post(urlEqualTo("/t/identity/users")).willReturn(aResponse().withStatus(400)
        .withBody("{\"status\":400,\"error\":\"invalid_request\",\"message\":\"Field 'password' must be at least 8 characters.\"}")));
    InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> user.register("short"));
    assertFalse(e.getMessage().contains("short\""), e.getMessage());
  }

  @Test
  void builderRefusesMissingSettingsWithSentences() {
    assertEquals("Username required.",
        assertThrows(IllegalStateException.class, () -> User.builder().identityUrl(identityUrl).build()).getMessage());
    assertTrue(assertThrows(IllegalStateException.class, () -> User.builder().username("ada").build())
        .getMessage().startsWith("Identity URL required"));
    assertTrue(assertThrows(IllegalStateException.class,
        () -> User.create("ada", "localhost:8080/t/identity")).getMessage().contains("http://"));
  }

  @Test
  void walletRemembersTheSessionReadableOnlyByItsOwnerAndForgetsItOnLogout() throws Exception {
    Wallet wallet = Wallet.inDirectory(temp.resolve("wallet"));
    User user = User.builder().username("ada").identityUrl(identityUrl).clock(clock).wallet(wallet)
        .retryPolicy(RetryPolicy.defaults().withSleeper(clock::sleep)).build();
    user.requestLogin();
    String startBody = WireMock.findAll(postRequestedFor(urlEqualTo("/t/identity/logins"))).get(0).getBodyAsString();
    pollAnswers("{\"status\":\"approved\",\"certificate\":\"" + certificateFor(startBody) + "\"}");
    user.waitForLogin(Duration.ofMinutes(1));

    Path file = wallet.file(identityUrl, "ada");
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    user.close();
    assertTrue(Files.exists(file), "closing a wallet user keeps its session for the next program");
    WireMock.verify(0, postRequestedFor(urlEqualTo("/t/identity/logout")));
    User resumed = User.builder().username("ada").identityUrl(identityUrl).clock(clock).wallet(wallet).build();
    assertTrue(resumed.isLoggedIn());

    stubFor(post(urlEqualTo("/t/identity/logout")).willReturn(aResponse().withStatus(204)));
    resumed.logout();
    assertFalse(Files.exists(file));
    assertFalse(resumed.isLoggedIn());
    assertFalse(User.builder().username("ada").identityUrl(identityUrl).clock(clock).wallet(wallet).build().isLoggedIn());
  }

  @Test
  void closeForgetsTheSessionEvenIfTheServiceIsUnreachable() {
    User user = user();
    user.requestLogin();
    String startBody = WireMock.findAll(postRequestedFor(urlEqualTo("/t/identity/logins"))).get(0).getBodyAsString();
    pollAnswers("{\"status\":\"approved\",\"certificate\":\"" + certificateFor(startBody) + "\"}");
    user.waitForLogin(Duration.ofMinutes(1));
    stubFor(post(urlEqualTo("/t/identity/logout")).willReturn(aResponse().withStatus(503)));
    user.close();
    assertFalse(user.isLoggedIn());
  }

  @Test
  void approveLoginSubmitsThePageFormWithItsTokenAndNeverPrintsThePassword(WireMockRuntimeInfo wm) throws Exception {
    String page = "<p>A device asks to sign in as <strong>ada</strong>.</p><form method=\"post\">"
        + "<input type=\"hidden\" name=\"csrf\" value=\"tok123\"></form>";
    stubFor(get(urlEqualTo("/t/identity/login?code=WDJB-MJHT")).willReturn(aResponse().withStatus(200)
        .withHeader("Set-Cookie", "acquire_csrf=tok123; Path=/t/identity/login; HttpOnly; SameSite=Strict")
        .withBody(page)));
    stubFor(post(urlEqualTo("/t/identity/login")).withHeader("Cookie", equalTo("acquire_csrf=tok123"))
        .willReturn(aResponse().withStatus(200).withBody("<p class=\"message\" id=\"message\">Login approved.</p>")));

    ApproveLogin.approve(identityUrl + "/login?code=WDJB-MJHT", "ada", "s3cret pass", "123456");
    String form = WireMock.findAll(postRequestedFor(urlEqualTo("/t/identity/login"))).get(0).getBodyAsString();
    assertTrue(form.contains("csrf=tok123") && form.contains("code=WDJB-MJHT") && form.contains("totp=123456"), form);

    PermissionException wrongUser = assertThrows(PermissionException.class,
        () -> ApproveLogin.approve(identityUrl + "/login?code=WDJB-MJHT", "bob", "pw", "123456"));
    assertTrue(wrongUser.getMessage().contains("for 'ada', not 'bob'"));

    stubFor(post(urlEqualTo("/t/identity/login")).willReturn(aResponse().withStatus(401)
        .withBody("<p class=\"error\" role=\"alert\">Password or code is wrong.</p>")));
    PrintStream originalErr = System.err;
    PrintStream originalOut = System.out;
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(output, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(output, true, StandardCharsets.UTF_8));
      exit = ApproveLogin.run(new String[] {identityUrl + "/login?code=WDJB-MJHT", "--user", "ada",
          "--password-stdin", "--totp", "654321"},
          new java.io.BufferedReader(new java.io.StringReader("very secret password\n")));
    } finally {
      System.setErr(originalErr);
      System.setOut(originalOut);
    }
    String printed = output.toString(StandardCharsets.UTF_8);
    assertEquals(1, exit);
    assertTrue(printed.contains("Password or code is wrong"), printed);
    assertFalse(printed.contains("very secret password"), printed);
  }

  @Test
  void approveLoginCommandLineExplainsMissingArguments() {
    PrintStream originalErr = System.err;
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(output, true, StandardCharsets.UTF_8));
      assertEquals(2, ApproveLogin.run(new String[] {"http://x/t/identity/login?code=A"},
          new java.io.BufferedReader(new java.io.StringReader(""))));
    } finally {
      System.setErr(originalErr);
    }
    String printed = output.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("--user is required") && printed.contains("A password is required"), printed);
  }

  @Test
  void asyncWaitReportsFailures() {
    User user = user();
    user.requestLogin();
    pollAnswers("{\"status\":\"denied\"}");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> user.waitForLoginAsync(Duration.ofMinutes(1)).get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof LoginDeniedException);
  }
}
