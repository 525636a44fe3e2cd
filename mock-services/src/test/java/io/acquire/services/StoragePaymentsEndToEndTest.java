package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.ApproveLogin;
import io.acquire.client.ConflictException;
import io.acquire.client.Drive;
import io.acquire.client.InsufficientFundsException;
import io.acquire.client.Job;
import io.acquire.client.Money;
import io.acquire.client.User;
import io.acquire.client.StatementLine;
import io.acquire.client.FileVersion;
import io.acquire.client.StorageCharge;
import io.acquire.client.Totp;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage paid ahead, through the SDK against the real backend on port 0: uploads charged,
 * deletions refunded and shown in the statement, a drive frozen once its paid year is over
 * (refusing writes, serving reads) and writable again once extended. The backend and the
 * client share a clock the test moves, so a year passes at once.
 */
class StoragePaymentsEndToEndTest {
  private static final String PASSWORD = "long enough password";
  private static final int MIB = 1024 * 1024;

  private final MutableClock clock = MutableClock.ofNow();
  private AcquireServer server;
  private User user;
  private Totp totp;

  @BeforeEach
  void start() {
    server = AcquireServer.builder().store(new MemoryObjectStore()).clock(clock).port(0)
        .option("identity.bcrypt-cost", "4").option("storage.price-per-gib-year", "1000.00")
        .option("storage.archive-price-per-gib", "2000.00").start();
    user = User.builder().username("ada").identityUrl(server.url() + "/t/identity").clock(clock).build();
    totp = Totp.fromProvisioningUriUnsafe(user.register(PASSWORD).provisioningUriUnsafe());
    logIn();
  }

  /** Logs in at the shared clock's time (the TOTP code too), as again after the clock jumps. */
  private void logIn() {
    var login = user.requestLogin();
    ApproveLogin.approve(login.url(), "ada", PASSWORD, totp.code(clock.instant()));
    user.waitForLogin(Duration.ofSeconds(20));
  }

  @AfterEach
  void stop() {
    user.close();
    server.close();
  }

  @Test
  void anUploadIsChargedItsDeletionRefundedAndBothAreInTheStatement(@TempDir Path dir) throws Exception {
    Account account = Account.create(user, "main");
    assertEquals(Money.of("1000.00", "GBP"), Job.prices(user).storage().perGibYear());
    Drive data = Drive.open(user, "data", account);
    assertEquals(account.id(), data.payer());
    Path file = Files.write(dir.resolve("a.bin"), new byte[MIB]);
    FileVersion version = data.upload(file, "runs/a.bin");
    assertEquals(Money.of("99.02", "GBP"), account.status().balance(), "a year of 1 MiB: 0.98");

    clock.advance(Duration.ofDays(73)); // a fifth of the year used
    logIn(); // the session of 73 days ago has expired
    StorageCharge deleted = data.delete("runs/a.bin", version.version());
    assertEquals(Money.of("0.78", "GBP"), deleted.refunded(), "four fifths of 0.98, rounded down");
    assertEquals(Money.of("99.80", "GBP"), account.status().balance());
    List<StatementLine> lines = account.statement();
    assertTrue(lines.stream().anyMatch(l -> l.kind().equals("capture") && l.amount().equals(Money.of("-0.98", "GBP"))
        && l.description().startsWith("storage: drive data, runs/a.bin v1, 1048576 bytes, ")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.kind().equals("credit") && l.amount().equals(Money.of("0.78", "GBP"))
        && l.description().startsWith("storage refund: drive data, runs/a.bin v1 deleted, unused ")), lines.toString());
    assertTrue(data.files().isEmpty());
    assertEquals(Money.of("0.78", "GBP"), data.payments().get(0).refunded());
  }

  @Test
  void aDrivePastItsPaidYearRefusesWritesButServesReadsUntilItIsExtended(@TempDir Path dir) throws Exception {
    Account account = Account.create(user, "main");
    Drive data = Drive.open(user, "data", account);
    data.write("notes.txt", "kept".getBytes());
    assertTrue(data.refresh().notice().isEmpty());

    clock.advance(Duration.ofDays(350));
    logIn();
    assertTrue(data.refresh().notice().orElseThrow().contains("ends at"), "notice 15 days before");
    clock.advance(Duration.ofDays(16));
    logIn();
    Drive frozen = data.refresh();
    assertTrue(frozen.isFrozen());
    ConflictException refused = assertThrows(ConflictException.class, () -> frozen.write("more.txt", new byte[1]));
    assertTrue(refused.getMessage().contains("frozen"), refused.getMessage());
    assertArrayEquals("kept".getBytes(), frozen.read("notes.txt", 100).orElseThrow(), "still readable");

    StorageCharge extended = frozen.extend(1);
    assertEquals(1, extended.versions());
    Drive again = frozen.refresh();
    assertFalse(again.isFrozen());
    again.write("more.txt", new byte[1]);
  }

  @Test
  void anUploadTheAccountCannotCoverIsRefusedAndLeavesNothingHeld(@TempDir Path dir) throws Exception {
    Account account = Account.create(user, "main");
    Drive data = Drive.open(user, "data", account);
    Path big = dir.resolve("big.bin");
    try (var out = Files.newOutputStream(big)) {
      out.write(new byte[MIB]);
    }
    // A year of 1 MiB costs 0.98: leave the account less than that.
    account.transferTo(Account.create(user, "savings"), Money.of("99.50", "GBP"), "saving");
    assertThrows(InsufficientFundsException.class, () -> data.upload(big, "big.bin"));
    assertEquals(Money.of("0.50", "GBP"), account.status().available(), "nothing stays held");
    assertTrue(data.files().isEmpty());
  }
}
