package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.AccountSummary;
import io.acquire.client.Money;
import io.acquire.client.User;
import io.acquire.client.Wallet;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RealLogins;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK keeps the registry's answers for an hour, in the wallet across programs, and asks
 * again when a service is no longer where it said: the real backend, the real wallet files.
 */
class ServiceUrlsEndToEndTest {
  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
      .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();

  @TempDir Path temp;

  @AfterEach
  void stop() {
    server.close();
  }

  private User.Builder program(Clock clock) {
    return User.builder().username("ada").identityUrl(server.url() + "/t/identity").clock(clock)
        .wallet(Wallet.inDirectory(temp.resolve("wallet")));
  }

  private Path servicesFile() throws IOException {
    try (var files = Files.list(temp.resolve("wallet"))) {
      List<Path> found = files.filter(f -> f.getFileName().toString().endsWith(".services")).toList();
      assertEquals(1, found.size(), "one file of service URLs, for the one registry: " + found);
      return found.get(0);
    }
  }

  /** Points the wallet's remembered accounting URL at {@code url}, as a service that moved would leave it. */
  private void remember(String url) throws IOException {
    Path file = servicesFile();
    String text = Files.readString(file);
    String current = server.url() + "/t/accounting";
    assertTrue(text.contains(current), text);
    Files.writeString(file, text.replace(current, url));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void theNextProgramUsesTheWalletsAnswerUntilItIsAnHourOld() throws IOException {
    try (User first = RealLogins.loggedIn(program(Clock.systemUTC()).build())) {
      Account.create(first, "main");
    }
    // The same backend by another name: only the wallet could have said "localhost".
    String byName = server.url().replace("127.0.0.1", "localhost") + "/t/accounting";
    remember(byName);

    try (User next = program(Clock.systemUTC()).build()) {
      assertEquals(byName, next.serviceUrl("accounting"), "kept from the earlier program");
      assertEquals("main", Account.statuses(next).get(0).name(), "and it works");
    }
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(61));
    try (User muchLater = program(later).build()) {
      assertEquals(server.url() + "/t/accounting", muchLater.serviceUrl("accounting"), "older than an hour: asked again");
    }
    assertTrue(Files.readString(servicesFile()).contains(server.url() + "/t/accounting"), "and remembered");
  }

  @Test
  void aServiceNoLongerAtItsRememberedAddressIsLookedUpAgainEvenForAnUnsafeCall() throws IOException {
    try (User first = RealLogins.loggedIn(program(Clock.systemUTC()).build())) {
      Account.create(first, "main");
    }
    String moved = "http://127.0.0.1:" + closedPort() + "/t/accounting";
    remember(moved);
    try (User next = program(Clock.systemUTC()).build()) {
      assertEquals(moved, next.serviceUrl("accounting"));
      // Nothing listens there: the connection is refused, nothing was sent, so a create may go to the new address.
      Account.create(next, "second");
      assertEquals(server.url() + "/t/accounting", next.serviceUrl("accounting"));
      assertEquals(List.of("main", "second"), Account.statuses(next).stream().map(AccountSummary::name).toList(),
          "created once");
    }
    assertTrue(Files.readString(servicesFile()).contains(server.url() + "/t/accounting"), "the wallet follows");

    // Another server at the remembered address answers 404: asked again too.
    remember(server.url() + "/t/elsewhere");
    try (User next = program(Clock.systemUTC()).build()) {
      assertEquals(Money.of("100.00", "GBP"), Account.statuses(next).get(0).balance());
      assertEquals(server.url() + "/t/accounting", next.serviceUrl("accounting"));
    }
  }

  @Test
  void statusesGivesEveryAccountWithWhatStatusSaysInOneCall() {
    try (User ada = RealLogins.loggedIn(program(Clock.systemUTC()).build())) {
      Account main = Account.create(ada, "main");
      Account.create(ada, "spare");
      main.hold(Money.of("10.00", "GBP"), Duration.ofMinutes(5), "job quote");
      List<AccountSummary> statuses = Account.statuses(ada);
      assertEquals(List.of("main", "spare"), statuses.stream().map(AccountSummary::name).toList());
      assertEquals(main.status(), statuses.get(0));
      assertEquals(Money.of("90.00", "GBP"), statuses.get(0).available());
      assertEquals(1, statuses.get(0).holds().size());
    }
  }
}
