package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.ApproveLogin;
import io.acquire.client.AuthenticationException;
import io.acquire.client.Drive;
import io.acquire.client.JobSpec;
import io.acquire.client.LoginRequest;
import io.acquire.client.Money;
import io.acquire.client.TransportException;
import io.acquire.client.User;
import io.acquire.client.FileVersion;
import io.acquire.client.Totp;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RealLogins;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user tripped on (issue #13): the SDK's answers to first mistakes, against the real backend. */
class FirstStepsTest {
  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
      .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();
  private final String identityUrl = server.url() + "/t/identity";

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aDownloadSaysWhenItsVersionWasStored() throws Exception {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "inputs");
    drive.upload(Files.writeString(dir.resolve("a.json"), "{}"), "a.json");
    FileVersion listed = drive.versions("a.json").get(0);
    FileVersion downloaded = drive.download("a.json", dir.resolve("back.json"));
    assertNotNull(downloaded.createdAt());
    assertEquals(listed.createdAt(), downloaded.createdAt());
  }

  @Test
  void uploadingAMissingFileIsAnArgumentErrorNamingThePathOnce() {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "inputs");
    Path missing = dir.resolve("equilibrate.json");
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> drive.upload(missing, "x.json"));
    assertEquals("No file to upload at " + missing.toAbsolutePath() + ".", error.getMessage());
    assertTrue(drive.files().isEmpty(), "nothing was started on the service");
  }

  @Test
  void anUnreachableBackendSaysToCheckThatItRuns() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    User nobody = User.builder().username("ada").identityUrl("http://127.0.0.1:" + closedPort + "/t/identity")
        .retryPolicy(io.acquire.client.RetryPolicy.none()).build();
    TransportException error = assertThrows(TransportException.class, () -> nobody.register("whatever it is"));
    assertTrue(error.getMessage().contains("Is the Acquire backend running at http://127.0.0.1:" + closedPort + "?"),
        error.getMessage());
    assertTrue(error.getMessage().contains("scripts/backend.sh"), error.getMessage());
  }

  @Test
  void theApproversErrorsCarryTheCodeAndRequestId() {
    User ada = User.create("ada", identityUrl);
    ada.register(RealLogins.PASSWORD);
    LoginRequest login = ada.requestLogin();
    AuthenticationException error = assertThrows(AuthenticationException.class,
        () -> ApproveLogin.approve(login.url(), "ada", "not the password", "123456"));
    assertEquals("wrong_credentials", error.errorCode());
    assertTrue(error.requestId() != null && error.requestId().startsWith("req_"), error.getMessage());
    assertEquals("401 wrong_credentials: Password or code is wrong. (request " + error.requestId() + ")",
        error.getMessage());
  }

  @Test
  void aReusedCodeSaysToWaitForTheNextCode() {
    User ada = User.create("ada", identityUrl);
    Totp totp = Totp.fromProvisioningUriUnsafe(ada.register(RealLogins.PASSWORD).provisioningUriUnsafe());
    String code = totp.code(Instant.now());
    ApproveLogin.approve(ada.requestLogin().url(), "ada", RealLogins.PASSWORD, code);
    LoginRequest again = ada.requestLogin();
    AuthenticationException error = assertThrows(AuthenticationException.class,
        () -> ApproveLogin.approve(again.url(), "ada", RealLogins.PASSWORD, code));
    assertEquals("code_already_used", error.errorCode());
    assertTrue(error.getMessage().contains("Wait for the next code"), error.getMessage());
  }

  @Test
  void waitForLoginWithoutATimeoutWaitsForTheApproval() throws Exception {
    User ada = User.create("ada", identityUrl);
    Totp totp = Totp.fromProvisioningUriUnsafe(ada.register(RealLogins.PASSWORD).provisioningUriUnsafe());
    LoginRequest login = ada.requestLogin();
    CompletableFuture<Void> approver = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(1500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ApproveLogin.approve(login.url(), "ada", RealLogins.PASSWORD, totp.code(Instant.now()));
    });
    ada.waitForLogin();
    assertTrue(ada.isLoggedIn());
    approver.get(10, TimeUnit.SECONDS);
    assertThrows(IllegalStateException.class, ada::waitForLogin, "nothing left to wait for");
    ada.close();
  }

  @Test
  void aTypoInTheWorkloadsInputIsRefusedAtQuoteTimeBeforeAnythingIsHeld() {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    io.acquire.client.Account account = io.acquire.client.Account.create(ada, "simulations");
    Money before = account.balance();
    Drive inputs = Drive.open(ada, "inputs");
    inputs.write("argon/equilibrate.json", "{\"protocol\": {\"runtim\": 5}}".getBytes());
    io.acquire.client.InvalidRequestException refused = assertThrows(io.acquire.client.InvalidRequestException.class,
        () -> io.acquire.client.Job.quote(ada, JobSpec.workload("md-equilibrate")
            .input(inputs, "argon/equilibrate.json").paidBy(account)));
    assertEquals(400, refused.status());
    assertTrue(refused.getMessage().contains("field 'protocol.runtim' is not known"), refused.getMessage());
    assertTrue(refused.getMessage().contains("Nothing was quoted or held"), refused.getMessage());
    assertEquals(before, account.balance());
    assertTrue(account.status().holds().isEmpty(), "nothing held");
  }

  @Test
  void theTypedProtocolRunsTheTalksZeroKelvinStartWithoutHandWrittenJson() {
    User ada = RealLogins.loggedIn(server.url(), "ada");
    io.acquire.client.Account account = io.acquire.client.Account.create(ada, "simulations");
    Drive inputs = Drive.open(ada, "inputs");
    io.acquire.client.Equilibration protocol = io.acquire.client.Equilibration.builder()
        .runtime(io.acquire.client.SimulationTime.picoseconds(5))
        .temperatures(io.acquire.client.Temperature.kelvin(0), io.acquire.client.Temperature.kelvin(120))
        .reportInterval(io.acquire.client.SimulationTime.picoseconds(0.5))
        .argon(3, 1.374).build();
    io.acquire.client.Job job = io.acquire.client.Job.quote(ada, protocol.writeTo(inputs, "argon/equilibrate.json")
        .maxRuntime(Duration.ofMinutes(2)).paidBy(account)).submit();
    assertEquals(io.acquire.client.JobStatus.COMPLETED, job.waitFor(Duration.ofMinutes(2)), job.message().orElse(""));
    io.acquire.client.TimeSeries temperature = job.getTemperature();
    assertEquals(11, temperature.values().size(), "t = 0 to 5 ps every 0.5 ps");
    assertEquals(0.0, temperature.values().get(0), "starts at rest");
    assertTrue(temperature.values().get(10) > 40, "the thermostat heated it: " + temperature.values());
  }

  @Test
  void argumentAndOrderMistakesAreTheDocumentedJavaExceptionsWithWhatToDo() {
    IllegalArgumentException amount = assertThrows(IllegalArgumentException.class, () -> Money.of("1.234", "GBP"));
    assertTrue(amount.getMessage().contains("at most 2 decimal places, such as 12.50"), amount.getMessage());
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "inputs");
    IllegalStateException unpaid = assertThrows(IllegalStateException.class,
        () -> io.acquire.client.Job.quote(ada, JobSpec.workload("md-equilibrate").input(drive, "x.json")));
    assertTrue(unpaid.getMessage().contains("call paidBy(account)"), unpaid.getMessage());
  }
}
