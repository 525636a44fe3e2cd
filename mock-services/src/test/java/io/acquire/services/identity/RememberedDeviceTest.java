package io.acquire.services.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.IdentityWire.LoginStarted;
import io.acquire.client.wire.SigningKey;
import io.acquire.client.wire.Totp;
import io.acquire.services.identity.IdentityFixture.Reply;
import io.acquire.services.store.JsonObjects;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The remembered-device cookie: a browser that approved a user's login before is counted on
 * its own, so a stranger who fills the user's shared window cannot lock the owner out, while
 * the device's own guesses stay bounded.
 */
class RememberedDeviceTest {
  private static final String WRONG = "wrong password";
  private final IdentityFixture fixture = new IdentityFixture();
  private final JsonObjects objects = new JsonObjects(fixture.store);

  @AfterEach
  void stop() {
    fixture.close();
  }

  @Test
  void anApprovalFromTheLoginPageSetsAStrictLongLivedDeviceCookieScopedToThePage() {
    Totp totp = fixture.register("bob");
    Reply approved = fixture.approve(fixture.startLogin("bob", SigningKey.generate()), IdentityFixture.PASSWORD,
        totp.code(fixture.clock.instant()));
    assertEquals(200, approved.status(), approved.body());
    String line = approved.setCookie(LoginPage.DEVICE_COOKIE);
    assertNotNull(line, "no device cookie: " + approved.headers());
    assertTrue(line.contains("; Path=/t/identity/login;"), line);
    assertTrue(line.contains("; Max-Age=15552000;"), line);
    assertTrue(line.contains("; HttpOnly") && line.contains("; SameSite=Strict"), line);
    assertTrue(!line.contains("Secure"), "plain HTTP cannot set a Secure cookie: " + line);
  }

  @Test
  void afterAStrangerLocksTheUsersWindowTheOwnersRememberedBrowserIsStillApproved() {
    Totp totp = fixture.register("bob");
    String device = rememberedBrowser("bob", totp);

    strangerFillsTheWindowOf("bob");
    fixture.clock.advance(IdentityFixture.step());
    LoginStarted cookieless = fixture.startLogin("bob", SigningKey.generate());
    Reply locked = fixture.approve(cookieless, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()));
    assertEquals(429, locked.status(), locked.body());

    LoginStarted owner = fixture.startLogin("bob", SigningKey.generate());
    Reply approved = fixture.approve(owner, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()), device);
    assertEquals(200, approved.status(), approved.body());
    assertEquals("approved", fixture.poll(owner.deviceCode()).status());
    String renewed = approved.cookie(LoginPage.DEVICE_COOKIE);
    assertNotNull(renewed);
    assertEquals(deviceId(device), deviceId(renewed), "the renewed cookie keeps the device, and its window");
  }

  @Test
  void aDeviceCookieOfAnotherUserOrForgedOrTamperedGivesNoExemption() {
    Totp alice = fixture.register("alice");
    Totp bob = fixture.register("bob");
    String alicesDevice = rememberedBrowser("alice", alice);
    String bobsDevice = rememberedBrowser("bob", bob);
    String[] parts = bobsDevice.split("\\.");
    String payload = new String(Base64Url.decode(parts[1]), StandardCharsets.UTF_8);
    String tampered = parts[0] + "." + Base64Url.encode(payload.replace(deviceId(bobsDevice), "another-device")
        .getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    String forged = parts[0] + "." + parts[1] + "." + Base64Url.encode(SigningKey.generate()
        .sign(("acquire-login-device\n" + payload).getBytes(StandardCharsets.UTF_8)));

    strangerFillsTheWindowOf("bob");
    fixture.clock.advance(IdentityFixture.step());
    for (String cookie : new String[] {alicesDevice, tampered, forged, "v1.bm90.aGluZw", "garbage"}) {
      LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
      Reply refused = fixture.approve(login, IdentityFixture.PASSWORD, bob.code(fixture.clock.instant()), cookie);
      assertEquals(429, refused.status(), cookie + ": " + refused.body());
    }
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    Reply approved = fixture.approve(login, IdentityFixture.PASSWORD, bob.code(fixture.clock.instant()), bobsDevice);
    assertEquals(200, approved.status(), "the genuine cookie still works: " + approved.body());
  }

  @Test
  void anExpiredDeviceCookieGivesNoExemption() {
    Totp totp = fixture.register("bob");
    String device = rememberedBrowser("bob", totp);
    fixture.clock.advance(IdentityService.DEVICE_LIFETIME.plus(Duration.ofMinutes(1)));

    strangerFillsTheWindowOf("bob");
    LoginStarted login = fixture.startLogin("bob", SigningKey.generate());
    Reply refused = fixture.approve(login, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()), device);
    assertEquals(429, refused.status(), refused.body());
  }

  @Test
  void aRememberedDevicesSixthWrongAttemptIsRefusedBeforeAnythingIsChecked() {
    Totp totp = fixture.register("bob");
    String device = rememberedBrowser("bob", totp);
    fixture.clock.advance(IdentityFixture.step());

    LoginStarted guessed = fixture.startLogin("bob", SigningKey.generate());
    for (int i = 1; i <= 5; i++) {
      Reply wrong = fixture.approve(guessed, WRONG, "000000", device);
      assertEquals(i < 5 ? 401 : 429, wrong.status(), "attempt " + i + ": " + wrong.body());
    }
    LoginStarted next = fixture.startLogin("bob", SigningKey.generate());
    String code = totp.code(fixture.clock.instant());
    Reply sixth = fixture.approve(next, IdentityFixture.PASSWORD, code, device);
    assertEquals(429, sixth.status(), sixth.body());
    assertTrue(Long.parseLong(sixth.header("Retry-After")) > 0);
    assertEquals(0, attempts(next), "refused before the login request counted it, so before bcrypt");
    assertEquals(0, objects.get("identity/users/bob", UserRecord.class).orElseThrow().recentFailures().size(),
        "a remembered device's attempts are not counted in the user's shared window");

    // The code was never checked (a checked code is spent), so a cookieless browser can still use it.
    Reply cookieless = fixture.approve(next, IdentityFixture.PASSWORD, code);
    assertEquals(200, cookieless.status(), cookieless.body());
    assertNotEquals(null, cookieless.cookie(LoginPage.DEVICE_COOKIE));
  }

  /** Approves a login of {@code username} from a browser without a device cookie; returns the cookie it gets. */
  private String rememberedBrowser(String username, Totp totp) {
    LoginStarted login = fixture.startLogin(username, SigningKey.generate());
    Reply approved = fixture.approve(login, IdentityFixture.PASSWORD, totp.code(fixture.clock.instant()));
    assertEquals(200, approved.status(), approved.body());
    String device = approved.cookie(LoginPage.DEVICE_COOKIE);
    assertNotNull(device, "no device cookie after an approval");
    return device;
  }

  /** Ten wrong approvals over two login requests, from a browser without a device cookie. */
  private void strangerFillsTheWindowOf(String username) {
    for (int request = 0; request < 2; request++) {
      LoginStarted login = fixture.startLogin(username, SigningKey.generate());
      for (int i = 0; i < 5; i++) {
        int status = fixture.approve(login, WRONG, "000000").status();
        assertTrue(status == 401 || status == 429, "status " + status);
      }
    }
    assertEquals(10, objects.get("identity/users/" + username, UserRecord.class).orElseThrow()
        .recentFailures().size());
  }

  private static String deviceId(String cookie) {
    return new String(Base64Url.decode(cookie.split("\\.")[1]), StandardCharsets.UTF_8).split("\n")[1];
  }

  private int attempts(LoginStarted login) {
    return fixture.store.list("identity/logins/").stream()
        .map(key -> objects.get(key, LoginRecord.class).orElseThrow())
        .filter(l -> l.userCode().equals(login.userCode()))
        .mapToInt(LoginRecord::failures).findFirst().orElseThrow();
  }
}
