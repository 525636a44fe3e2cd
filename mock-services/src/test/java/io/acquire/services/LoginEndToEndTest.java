package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.ApproveLogin;
import io.acquire.client.AuthenticationException;
import io.acquire.client.LoginRequest;
import io.acquire.client.Registration;
import io.acquire.client.SessionInfo;
import io.acquire.client.User;
import io.acquire.client.wire.Totp;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.HeadlessChromium;
import io.acquire.services.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/** The talk's first notebook, for real: the SDK against the real backend, approved as a person would. */
class LoginEndToEndTest {
  private static final String PASSWORD = "correct horse battery";

  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
      .services(List.of("registry", "identity")).option("identity.bcrypt-cost", "4")
      .option("identity.poll-interval-seconds", "1").start();
  private final String identityUrl = server.url() + "/t/identity";

  @TempDir
  Path temp;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void loginApprovedInHeadlessChromiumSignsCallsUntilLogout() throws Exception {
    User user = User.create("ada", identityUrl);
    Totp totp = Totp.fromProvisioningUriUnsafe(user.register(PASSWORD).provisioningUriUnsafe());
    LoginRequest login = user.requestLogin();
    CompletableFuture<User> waiting = user.waitForLoginAsync(Duration.ofMinutes(1));

    ChromeDriver chrome = HeadlessChromium.start();
    try {
      chrome.get(login.url());
      assertEquals(login.userCode(), chrome.findElement(By.id("user-code")).getText());
      Files.write(Path.of("target", "login-page.png"), chrome.getScreenshotAs(OutputType.BYTES));
      chrome.findElement(By.id("password")).sendKeys(PASSWORD);
      chrome.findElement(By.id("totp")).sendKeys(totp.code(Instant.now()));
      chrome.findElement(By.id("approve")).click();
      assertTrue(chrome.findElement(By.id("message")).getText().contains("Login approved"),
          chrome.getPageSource());
    } finally {
      chrome.quit();
    }

    waiting.get();
    assertTrue(user.isLoggedIn());
    SessionInfo session = user.whoAmI();
    assertEquals("ada", session.username());
    assertEquals("user", session.scope());

    user.logout();
    assertFalse(user.isLoggedIn());
    assertThrows(AuthenticationException.class, user::whoAmI, "the client refuses once logged out");
    user.close();
  }

  @Test
  void theSameSignedCallIsRefusedByTheServiceAfterLogout() {
    User user = User.builder().username("ada").identityUrl(identityUrl).wallet(
        io.acquire.client.Wallet.inDirectory(temp.resolve("wallet"))).build();
    Totp totp = Totp.fromProvisioningUriUnsafe(user.register(PASSWORD).provisioningUriUnsafe());
    LoginRequest login = user.requestLogin();
    ApproveLogin.approve(login.url(), "ada", PASSWORD, totp.code(Instant.now()));
    user.waitForLogin(Duration.ofSeconds(30));
    assertEquals("ada", user.whoAmI().username());

    // A second program resumes the session from the wallet, then the first logs out.
    User resumed = User.builder().username("ada").identityUrl(identityUrl)
        .wallet(io.acquire.client.Wallet.inDirectory(temp.resolve("wallet"))).build();
    assertTrue(resumed.isLoggedIn());
    assertEquals(user.whoAmI().sessionId(), resumed.whoAmI().sessionId());
    user.logout();
    AuthenticationException refused = assertThrows(AuthenticationException.class, resumed::whoAmI);
    assertEquals(401, refused.status(), "refused by the service itself, not just the client");
    assertTrue(refused.getMessage().contains("logged out"), refused.getMessage());
  }

  @Test
  void codesFromOathtoolAreAccepted() {
    Path oathtool = Tools.require("/usr/bin/oathtool", "oathtool");
    User user = User.create("grace", identityUrl);
    Registration registration = user.register(PASSWORD);
    String secret = Totp.fromProvisioningUriUnsafe(registration.provisioningUriUnsafe()).base32SecretUnsafe();
    String code = Tools.run(List.of(oathtool.toString(), "--totp", "-b", secret)).strip();
    assertTrue(code.matches("\\d{6}"), code);
    LoginRequest login = user.requestLogin();
    ApproveLogin.approve(login.url(), "grace", PASSWORD, code);
    user.waitForLogin(Duration.ofSeconds(30));
    assertTrue(user.isLoggedIn());
    user.close();
  }

  @Test
  void qrCodesDecodeWithZbarimgToExactlyTheirUrls() throws Exception {
    Path zbarimg = Tools.require("/usr/bin/zbarimg", "zbar-tools");
    User user = User.create("alan", identityUrl);
    Registration registration = user.register(PASSWORD);
    LoginRequest login = user.requestLogin();

    Path loginQr = Files.write(temp.resolve("login.png"), login.qrCodePng());
    assertEquals("QR-Code:" + login.url(), Tools.run(List.of(zbarimg.toString(), "--quiet", loginQr.toString())).strip());
    Path setupQr = Files.write(temp.resolve("setup.png"), registration.qrCodePng());
    assertEquals("QR-Code:" + registration.provisioningUriUnsafe(),
        Tools.run(List.of(zbarimg.toString(), "--quiet", setupQr.toString())).strip());
    user.close();
  }
}
