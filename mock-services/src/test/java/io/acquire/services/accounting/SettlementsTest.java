package io.acquire.services.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.Money;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.registry.ServiceClient;
import io.acquire.services.registry.ServiceDirectory;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.RealLogins;
import io.acquire.services.testing.ServiceCalls;
import io.acquire.services.testing.TestSessions.Reply;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Compute's settlements when accounting runs elsewhere: sent at once when accounting
 * answers, kept in the store when it does not and sent when it is back, and never sent
 * with a second amount.
 */
class SettlementsTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final JsonObjects objects = new JsonObjects(store);

  private AcquireServer backend(int port) {
    return AcquireServer.builder().store(store).port(port).option("identity.bcrypt-cost", "4")
        .services(List.of("registry", "identity", "accounting", "storage")).start();
  }

  private String hold(AcquireServer server, String account, String amount) {
    Reply reply = ServiceCalls.send(server.url(), "compute", ServiceCalls.keyOf(store, "compute"), "POST",
        "/t/accounting/service/holds", "{\"user\":\"ada\",\"account\":\"" + account + "\",\"amount\":{\"amount\":\""
            + amount + "\",\"currency\":\"GBP\"},\"expiresAt\":\"" + Clock.systemUTC().instant().plusSeconds(3600)
            + "\",\"description\":\"job\",\"idempotencyKey\":\"" + UUID.randomUUID() + "\"}",
        Clock.systemUTC().instant().getEpochSecond());
    assertEquals(201, reply.status(), reply.body());
    return reply.body().replaceAll(".*\"hold\":\"([^\"]+)\".*", "$1");
  }

  @Test
  void aSettlementAccountingCannotTakeIsKeptAndSentOnceItIsBack() throws Exception {
    // compute's key, made in the store as a compute process would, for the calls below
    AcquireServer.builder().store(store).port(0).services(List.of("compute")).start().close();
    AcquireServer server = backend(0);
    int port = server.port();
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Account account = Account.create(ada, "main");
    ServiceClient client = new ServiceClient("compute", () -> ServiceCalls.keyOf(store, "compute"),
        ServiceDirectory.inStore(objects, Clock.systemUTC()), Clock.systemUTC());
    try (Settlements settlements = new Settlements(objects, client)) {
      String first = hold(server, account.id(), "1.00");
      assertEquals(Money.of("0.40", "GBP"), settlements.settle(first, Money.of("0.40", "GBP"), Duration.ofSeconds(2)));
      assertTrue(store.list("compute/settlements/").isEmpty(), "a settlement accounting took is not kept");

      String second = hold(server, account.id(), "1.00");
      server.close();
      assertEquals(Money.of("0.30", "GBP"), settlements.settle(second, Money.of("0.30", "GBP"), Duration.ofSeconds(1)),
          "accounting is down: the settlement is kept, for the amount decided");
      assertEquals(Money.of("0.30", "GBP"), settlements.settle(second, Money.of("0.00", "GBP"), Duration.ofSeconds(1)),
          "a second settlement of the same hold (recovery's, say) keeps the first amount");
      assertEquals(1, store.list("compute/settlements/").size());

      server = backend(port);
      settlements.sendKept();
      assertTrue(store.list("compute/settlements/").isEmpty(), "sent once accounting answered");
      assertEquals(Money.of("99.30", "GBP"), account.balance(), "100.00 less 0.40 and 0.30, each once");
      assertTrue(account.status().holds().isEmpty());
    } finally {
      ada.close();
      server.close();
      store.close();
    }
  }

  @Test
  void aSettlementRefusedForAnUntrustedKeyIsKeptButOneForNoSuchHoldIsDropped() {
    AcquireServer.builder().store(store).port(0).services(List.of("compute")).start().close();
    AcquireServer server = backend(0);
    User ada = RealLogins.loggedIn(server.url(), "ada");
    ServiceDirectory directory = ServiceDirectory.inStore(objects, Clock.systemUTC());
    io.acquire.client.wire.SigningKey stranger = io.acquire.client.wire.SigningKey.generate();
    try (Settlements untrusted = new Settlements(objects, new ServiceClient("compute", () -> stranger, directory,
            Clock.systemUTC()));
        Settlements trusted = new Settlements(objects, new ServiceClient("compute",
            () -> ServiceCalls.keyOf(store, "compute"), directory, Clock.systemUTC()))) {
      String hold = hold(server, Account.create(ada, "main").id(), "1.00");
      assertEquals(Money.of("0.25", "GBP"), untrusted.settle(hold, Money.of("0.25", "GBP"), Duration.ofSeconds(3)));
      assertEquals(1, store.list("compute/settlements/").size(), "a 401 may pass (a rotation): the charge is kept");
      trusted.sendKept();
      assertTrue(store.list("compute/settlements/").isEmpty());

      io.acquire.services.http.ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(
          io.acquire.services.http.ApiException.class,
          () -> trusted.settle("hold_nosuch", Money.of("0.25", "GBP"), Duration.ofSeconds(3)));
      assertEquals(404, refused.status());
      assertTrue(store.list("compute/settlements/").isEmpty(), "nothing kept that can never be taken");
    } finally {
      ada.close();
      server.close();
      store.close();
    }
  }
}
