package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.LoginRequest;
import io.acquire.client.RetryPolicy;
import io.acquire.client.TransportException;
import io.acquire.client.User;
import io.acquire.client.wire.Totp;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.HeadlessChromium;
import io.acquire.services.testing.TestCertificates;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;

/** HTTPS served by the backend itself with an institution's certificate, and behind a TLS-terminating proxy. */
class TlsTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir
  static Path certificates;
  static TestCertificates tls;

  @TempDir
  Path temp;

  @BeforeAll
  static void issueCertificates() {
    tls = TestCertificates.create(certificates);
  }

  private static AcquireServer.Builder backend() {
    return AcquireServer.builder().store(new MemoryObjectStore()).port(0).services(List.of("registry", "identity"))
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1");
  }

  @Test
  void loginApprovedInHeadlessChromiumOverHttpsSignsTheCallsOfAnSdkTrustingTheInstitutionsCa() throws Exception {
    try (AcquireServer server = backend().tls(tls.chain(), tls.key()).start()) {
      assertTrue(server.url().startsWith("https://127.0.0.1:"), server.url());
      User user = User.builder().username("ada").identityUrl(server.url() + "/t/identity")
          .trustedCertificates(tls.caCertificate()).build();
      Totp totp = Totp.fromProvisioningUriUnsafe(user.register(PASSWORD).provisioningUriUnsafe());
      LoginRequest login = user.requestLogin();
      assertTrue(login.url().startsWith(server.url() + "/t/identity/login?code="), login.url());
      CompletableFuture<User> waiting = user.waitForLoginAsync(Duration.ofMinutes(1));

      // The browser accepts this one self-signed key only (by its SPKI hash), not any certificate.
      ChromeDriver chrome = HeadlessChromium.start("--ignore-certificate-errors-spki-list=" + spkiHash(tls.chain()));
      try {
        chrome.get(login.url());
        assertTrue(chrome.getCurrentUrl().startsWith("https://"), chrome.getCurrentUrl());
        assertEquals(login.userCode(), chrome.findElement(By.id("user-code")).getText(), chrome.getPageSource());
        Cookie csrf = chrome.manage().getCookieNamed("acquire_csrf");
        assertNotNull(csrf, "the login page set its CSRF cookie");
        assertTrue(csrf.isSecure(), "the CSRF cookie is Secure under HTTPS");
        assertTrue(csrf.isHttpOnly());
        chrome.findElement(By.id("password")).sendKeys(PASSWORD);
        chrome.findElement(By.id("totp")).sendKeys(totp.code(Instant.now()));
        chrome.findElement(By.id("approve")).click();
        assertTrue(chrome.findElement(By.id("message")).getText().contains("Login approved"), chrome.getPageSource());
      } finally {
        chrome.quit();
      }

      waiting.get();
      assertEquals("ada", user.whoAmI().username(), "a signed call over HTTPS");
      user.logout();
      user.close();
    }
  }

  @Test
  void sdkWithoutTheInstitutionsCaIsRefusedAtOnceSayingWhatToDo() {
    try (AcquireServer server = backend().tls(tls.chain(), tls.key()).start()) {
      List<Duration> sleeps = new ArrayList<>();
      User user = User.builder().username("ada").identityUrl(server.url() + "/t/identity")
          .retryPolicy(RetryPolicy.defaults().withSleeper(sleeps::add)).build();
      TransportException refused = assertThrows(TransportException.class, () -> user.serviceUrl("identity"));
      assertTrue(refused.getMessage().contains("certificate is not trusted"), refused.getMessage());
      assertTrue(refused.getMessage().contains("trustedCertificates(path)"), refused.getMessage());
      assertEquals(List.of(), sleeps, "an untrusted certificate is not retried");
      user.close();
    }
  }

  @Test
  void sdkTrustingTheCaThroughAKeyStoreReachesTheBackendAndAFileWithoutCertificatesIsRefused() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(tls.caCertificate())) {
      store.setCertificateEntry("institution", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    try (AcquireServer server = backend().tls(tls.chain(), tls.key()).start()) {
      User user = User.builder().username("ada").identityUrl(server.url() + "/t/identity").trustStore(store).build();
      assertEquals(server.url() + "/t/identity", user.serviceUrl("identity"));
      user.close();
    }
    Path empty = Files.writeString(temp.resolve("empty.pem"), "");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> User.builder().trustedCertificates(empty));
    assertTrue(refused.getMessage().contains("holds no certificate"), refused.getMessage());
  }

  @Test
  void sdkRefusesACertificateNotIssuedForTheHostItCalls() {
    try (AcquireServer server = backend().tls(tls.chain(), tls.key()).start()) {
      // acquire.example.org resolves to this backend here; its certificate names only 127.0.0.1 and localhost.
      OkHttpClient noDns = new OkHttpClient.Builder().dns(host -> List.of(java.net.InetAddress.getByName("127.0.0.1")))
          .build();
      User user = User.builder().username("ada").identityUrl("https://acquire.example.org:" + server.port()
          + "/t/identity").httpClient(noDns).trustedCertificates(tls.caCertificate()).build();
      TransportException refused = assertThrows(TransportException.class, () -> user.serviceUrl("identity"));
      assertTrue(refused.getMessage().contains("not issued for acquire.example.org"), refused.getMessage());
      user.close();
    }
  }

  @Test
  void loginPageCookieIsSecureBehindAProxyWithAnHttpsPublicUrlAndNotOverPlainHttp() throws Exception {
    OkHttpClient http = new OkHttpClient();
    try (AcquireServer proxied = backend().publicUrl("https://acquire.example.org/").start();
        AcquireServer plain = backend().start()) {
      assertEquals("https://acquire.example.org", proxied.url());
      assertTrue(csrfCookie(http, "http://127.0.0.1:" + proxied.port()).contains("; Secure"));
      assertFalse(csrfCookie(http, plain.url()).contains("Secure"), "a Secure cookie would never return over http");
    }
  }

  @Test
  void startRefusesAKeyThatIsNotTheCertificatesOwn() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> backend().tls(tls.chain(), tls.caKey()));
    assertTrue(refused.getMessage().contains("does not belong to the certificate CN=127.0.0.1"), refused.getMessage());
  }

  @Test
  void startRefusesAnExpiredCertificate() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> backend().tls(tls.expiredChain(), tls.key()));
    assertTrue(refused.getMessage().contains("expired at"), refused.getMessage());
    assertTrue(refused.getMessage().contains("renew it"), refused.getMessage());
  }

  @Test
  void startRefusesMissingFilesAndKeysInAnotherFormatSayingHowToConvert() throws Exception {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> backend().tls(temp.resolve("none.pem"), tls.key()));
    assertTrue(missing.getMessage().contains("certificate chain file " + temp.resolve("none.pem") + " does not exist"),
        missing.getMessage());
    Path pkcs1 = Files.writeString(temp.resolve("rsa.pem"), "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n"
        + "-----END RSA PRIVATE KEY-----\n");
    Files.setPosixFilePermissions(pkcs1, PosixFilePermissions.fromString("rw-------"));
    IllegalArgumentException format = assertThrows(IllegalArgumentException.class,
        () -> backend().tls(tls.chain(), pkcs1));
    assertTrue(format.getMessage().contains("holds a RSA PRIVATE KEY block"), format.getMessage());
    assertTrue(format.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), format.getMessage());
    IllegalArgumentException notCertificate = assertThrows(IllegalArgumentException.class,
        () -> backend().tls(tls.key(), tls.key()));
    assertTrue(notCertificate.getMessage().contains("holds no PEM certificate"), notCertificate.getMessage());
  }

  @Test
  void startRefusesAKeyFileOtherUsersMayRead() throws Exception {
    Path shared = Files.copy(tls.key(), temp.resolve("shared-key.pem"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> backend().tls(tls.chain(), shared));
    assertTrue(refused.getMessage().contains("is open to other users (rw-r--r--)"), refused.getMessage());
    assertTrue(refused.getMessage().contains("chmod 600 " + shared.toAbsolutePath()), refused.getMessage());
  }

  @Test
  void commandLineRefusesACertificateWithoutItsKeyInOneLine() {
    StringWriter err = new StringWriter();
    int exit = AcquireServer.commandLine().setErr(new PrintWriter(err, true)).execute("--port", "0", "--data",
        temp.resolve("data").toString(), "--tls-cert", tls.chain().toString());
    assertEquals(1, exit);
    assertEquals("acquire-server: --tls-cert and --tls-key go together: give the certificate chain and its private "
        + "key, or neither for plain HTTP.", err.toString().strip());
  }

  private static String csrfCookie(OkHttpClient http, String root) throws Exception {
    try (Response response = http.newCall(new Request.Builder().url(root + "/t/identity/login").build()).execute()) {
      assertEquals(200, response.code());
      return response.headers("Set-Cookie").stream().filter(c -> c.startsWith("acquire_csrf=")).findFirst()
          .orElseThrow(() -> new AssertionError("no CSRF cookie in " + response.headers()));
    }
  }

  /** Base64 of the SHA-256 of the first certificate's SubjectPublicKeyInfo, as Chromium's SPKI list takes it. */
  private static String spkiHash(Path chain) throws Exception {
    try (InputStream in = Files.newInputStream(chain)) {
      byte[] spki = CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey().getEncoded();
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    }
  }
}
