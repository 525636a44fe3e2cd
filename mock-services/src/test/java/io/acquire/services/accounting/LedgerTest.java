package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.amount;
import static io.acquire.services.accounting.AccountingFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.store.StoredObject;
import io.acquire.services.testing.ForwardingStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The ledger's log: replays, group commit, several processes, checkpoints, and writes that fail. */
class LedgerTest {

  private static AcquireServer server(ObjectStore store, String... options) {
    AcquireServer.Builder builder = AcquireServer.builder().store(store).port(0)
        .services(List.of("registry", "accounting"));
    for (int i = 0; i < options.length; i += 2) {
      builder.option(options[i], options[i + 1]);
    }
    return builder.start();
  }

  /** Ada, her account and Bob's, each opened with the demo credit. */
  private record AdaAndBob(Session ada, String adas, String bobs) {
    static AdaAndBob open(AccountingFixture fx) {
      Session ada = fx.sessions.login("ada");
      return new AdaAndBob(ada, fx.createAccount(ada, "main"), fx.createAccount(fx.sessions.login("bob"), "main"));
    }
  }

  private static String transferBody(String from, String to, String amount, String key) {
    return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"idempotencyKey\":\"" + key + "\",\"amount\":"
        + AccountingFixture.money(amount) + "}";
  }

  @Test
  void aReplayedTransferIsRefusedAndMovesMoneyOnce() {
    try (AccountingFixture fx = new AccountingFixture(new MemoryObjectStore(), Clock.systemUTC())) {
      AdaAndBob two = AdaAndBob.open(fx);
      Supplier<Reply> request = two.ada().signedOnce("POST", "/t/accounting/transfers",
          transferBody(two.adas(), two.bobs(), "5.00", "k1"));
      assertEquals(200, request.get().status());
      Reply replay = request.get();
      assertEquals(401, replay.status(), replay.body());
      assertTrue(replay.body().contains("replay"), replay.body());
      assertEquals(new BigDecimal("95.00"), fx.balance(two.ada(), two.adas()));
    }
  }

  @Test
  void aReplayedLimitChangeCannotUndoALaterOne() {
    try (AccountingFixture fx = new AccountingFixture(new MemoryObjectStore(), Clock.systemUTC())) {
      Session ada = fx.sessions.login("ada");
      String account = fx.createAccount(ada, "main");
      Supplier<Reply> capTen = ada.signedOnce("PUT", "/t/accounting/accounts/" + account + "/limits",
          "{\"dailyCap\":" + AccountingFixture.money("10.00") + "}");
      assertEquals(200, capTen.get().status());
      assertEquals(200, ada.send("PUT", "/t/accounting/accounts/" + account + "/limits",
          "{\"dailyCap\":" + AccountingFixture.money("20.00") + "}").status());
      assertEquals(401, capTen.get().status(), "the replay is refused");
      assertEquals(new BigDecimal("20.00"), amount(fx.account(ada, account).get("dailyCap")));
    }
  }

  @Test
  void aReplayedRefusalStaysRefusedOnceMoneyArrives() {
    try (AccountingFixture fx = new AccountingFixture(new MemoryObjectStore(), Clock.systemUTC())) {
      Session ada = fx.sessions.login("ada");
      Session bob = fx.sessions.login("bob");
      String adas = fx.createAccount(ada, "main");
      String bobs = fx.createAccount(bob, "main");
      Supplier<Reply> tooMuch = ada.signedOnce("POST", "/t/accounting/transfers", transferBody(adas, bobs, "150.00", "big"));
      assertEquals(402, tooMuch.get().status());
      assertEquals(200, fx.transfer(bob, bobs, adas, "80.00", "gift").status());
      assertEquals(401, tooMuch.get().status(), "a refused request's nonce is claimed too");
      assertEquals(new BigDecimal("180.00"), fx.balance(ada, adas));
      assertEquals(200, fx.transfer(ada, adas, bobs, "150.00", "big").status(),
          "a new request with the same key is decided again, now that the money is there");
    }
  }

  @Test
  void aJobsHoldIsSettledByComputeAloneNotByItsOwner() {
    MemoryObjectStore store = new MemoryObjectStore();
    try (AccountingFixture fx = new AccountingFixture(store, Clock.systemUTC());
         Ledger compute = AccountingFixture.openLedger(store)) {
      Session ada = fx.sessions.login("ada");
      String account = fx.createAccount(ada, "main");
      String spare = fx.createAccount(ada, "spare");
      String hold = compute.holdFor("ada", "job-1", account, 4_000, Instant.now().plusSeconds(600), "job 1").id();

      Reply capture = ada.send("POST", "/t/accounting/holds/" + hold + "/capture",
          "{\"amount\":" + AccountingFixture.money("40.00") + ",\"to\":\"" + spare + "\"}");
      assertEquals(403, capture.status(), capture.body());
      assertTrue(capture.body().contains("compute settles it"), capture.body());
      assertEquals(403, ada.send("POST", "/t/accounting/holds/" + hold + "/void", "{}").status());
      assertEquals("active", json(ada.send("GET", "/t/accounting/holds/" + hold, null)).get("status").asText(),
          "its owner still sees it");

      assertEquals(1_250, compute.settle(hold, 1_250));
      assertEquals(1_250, compute.settle(hold, 1_250), "settling again changes nothing");
      assertEquals(new BigDecimal("87.50"), fx.balance(ada, account));
      assertEquals(new BigDecimal("0.00"), fx.balance(ada, spare));
    }
  }

  /** A store whose log writes take 20 ms, as a slow disk's would. */
  private static final class SlowLog extends ForwardingStore {
    final AtomicInteger batches = new AtomicInteger();

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
      if (key.startsWith("logs/" + Ledger.LOG + "/")) {
        batches.incrementAndGet();
        sleep(20);
      }
      return super.putIfAbsent(key, data);
    }
  }

  @Test
  void requestsArrivingDuringAWriteShareTheNextOne() throws Exception {
    SlowLog store = new SlowLog();
    try (AccountingFixture fx = new AccountingFixture(store, Clock.systemUTC())) {
      List<Session> users = new ArrayList<>();
      List<String> accounts = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        users.add(fx.sessions.login("user" + i));
        accounts.add(fx.createAccount(users.get(i), "main"));
      }
      int before = store.batches.get();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<Reply>> replies = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 16; i++) {
          int from = i;
          String key = "r" + round;
          replies.add(pool.submit(() -> fx.transfer(users.get(from), accounts.get(from), accounts.get((from + 1) % 16),
              "1.00", key)));
        }
      }
      for (Future<Reply> reply : replies) {
        assertEquals(200, reply.get().status(), reply.get().body());
      }
      pool.shutdown();
      int batches = store.batches.get() - before;
      assertTrue(batches <= 32, "64 transfers took " + batches + " batch writes; each should carry several");
      LedgerConcurrencyTest.assertLedgerBalances(store, 16);
    }
  }

  @Test
  void twoProcessesOnOneStoreSeeEachOthersChangesAtOnce() {
    MemoryObjectStore store = new MemoryObjectStore();
    try (AcquireServer a = server(store); AcquireServer b = server(store)) {
      TestSessions sessions = new TestSessions(store, a.url());
      Session adaAtA = sessions.login("ada");
      Session adaAtB = adaAtA.at(b.url());
      String adas = json(adaAtA.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}")).get("id").asText();
      String bobs = json(sessions.login("bob").at(b.url()).send("POST", "/t/accounting/accounts",
          "{\"name\":\"main\"}")).get("id").asText();
      for (int i = 0; i < 10; i++) {
        Session via = i % 2 == 0 ? adaAtA : adaAtB;
        Session readVia = i % 2 == 0 ? adaAtB : adaAtA;
        assertEquals(200, via.send("POST", "/t/accounting/transfers", transferBody(adas, bobs, "1.00", "t" + i)).status());
        Reply view = readVia.send("GET", "/t/accounting/accounts/" + adas, null);
        assertEquals(new BigDecimal(99 - i + ".00"), amount(json(view).get("balance")),
            "the other process answers with the transfer just made");
      }
      Reply repeat = adaAtB.send("POST", "/t/accounting/transfers", transferBody(adas, bobs, "1.00", "t0"));
      assertEquals(200, repeat.status(), "a key used at one process is known at the other");
      assertEquals(new BigDecimal("90.00"), amount(json(adaAtA.send("GET", "/t/accounting/accounts/" + adas, null))
          .get("balance")));
    }
    LedgerConcurrencyTest.assertLedgerBalances(store, 2);
  }

  @Test
  void aRequestDecidedAtOneProcessIsRefusedAsAReplayAtAnotherWhetherItChangedAnythingOrNot() {
    MemoryObjectStore store = new MemoryObjectStore();
    try (AcquireServer a = server(store); AcquireServer b = server(store)) {
      TestSessions sessions = new TestSessions(store, a.url());
      Session ada = sessions.login("ada");
      Session bob = sessions.login("bob").at(b.url());
      String adas = json(ada.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}")).get("id").asText();
      String bobs = json(bob.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}")).get("id").asText();
      var paid = ada.signedOnceTo("POST", "/t/accounting/transfers", transferBody(adas, bobs, "5.00", "small"));
      var tooMuch = ada.signedOnceTo("POST", "/t/accounting/transfers", transferBody(adas, bobs, "150.00", "big"));
      assertEquals(200, paid.apply(a.url()).status());
      assertEquals(402, tooMuch.apply(a.url()).status());
      assertEquals(200, bob.send("POST", "/t/accounting/transfers", transferBody(bobs, adas, "80.00", "gift")).status());
      Reply replayedPayment = paid.apply(b.url());
      assertEquals(401, replayedPayment.status(), replayedPayment.body());
      Reply replayedRefusal = tooMuch.apply(b.url());
      assertEquals(401, replayedRefusal.status(), "the refusal's nonce, recorded at a, is known at b: "
          + replayedRefusal.body());
      assertEquals(new BigDecimal("175.00"), amount(json(ada.at(b.url()).send("GET", "/t/accounting/accounts/" + adas, null))
          .get("balance")), "only the first payment moved money");
    }
    LedgerConcurrencyTest.assertLedgerBalances(store, 2);
  }

  /** Counts reads of log batches, to see how much of the log a starting ledger replays. */
  private static final class CountingReads extends ForwardingStore {
    final AtomicInteger logReads = new AtomicInteger();

    @Override
    public Optional<StoredObject> get(String key) {
      if (key.startsWith("logs/" + Ledger.LOG + "/")) {
        logReads.incrementAndGet();
      }
      return super.get(key);
    }
  }

  @Test
  void aStartingLedgerReplaysOnlyWhatFollowsTheNewestCheckpoint() {
    CountingReads store = new CountingReads();
    String account;
    BigDecimal balance;
    try (AcquireServer server = server(store, "accounting.checkpoint-every", "8")) {
      TestSessions sessions = new TestSessions(store, server.url());
      Session ada = sessions.login("ada");
      Session bob = sessions.login("bob");
      account = json(ada.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}")).get("id").asText();
      String bobs = json(bob.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}")).get("id").asText();
      for (int i = 0; i < 30; i++) {
        assertEquals(200, ada.send("POST", "/t/accounting/transfers", transferBody(account, bobs, "0.50", "c" + i))
            .status());
      }
      balance = amount(json(ada.send("GET", "/t/accounting/accounts/" + account, null)).get("balance"));
    }
    assertEquals(new BigDecimal("85.00"), balance);
    List<String> checkpoints = store.list("accounting/checkpoints/");
    assertEquals(2, checkpoints.size(), "the two newest are kept: " + checkpoints);

    store.logReads.set(0);
    try (Ledger restarted = new Ledger(store, Clock.systemUTC(),
        new Ledger.Settings("GBP", 0, 8, java.time.Duration.ofMinutes(5)))) {
      int replayed = store.logReads.get();
      assertTrue(replayed <= 9, "read " + replayed + " batches of 33 to start");
      assertEquals(8_500, restarted.account(account).orElseThrow().latest().balanceMinor());
      assertEquals(32, restarted.journal(account).size(), "open, credit and 30 debits, read back through the log");
    }
    LedgerConcurrencyTest.assertLedgerBalances(store, 2);
  }

  /** Fails log writes: after landing them ({@code landThenFail}) or without writing at all. */
  private static final class FailingLog extends ForwardingStore {
    volatile int failuresLeft;
    volatile boolean landThenFail;

    @Override
    public Optional<String> putIfAbsent(String key, byte[] data) {
      if (key.startsWith("logs/" + Ledger.LOG + "/") && failuresLeft > 0) {
        failuresLeft--;
        if (landThenFail) {
          super.putIfAbsent(key, data);
        }
        throw new java.io.UncheckedIOException(new java.io.IOException("disk went away"));
      }
      return super.putIfAbsent(key, data);
    }
  }

  @Test
  void aWriteThatFailsAfterLandingCountsOnce() {
    FailingLog store = new FailingLog();
    try (AccountingFixture fx = new AccountingFixture(store, Clock.systemUTC())) {
      AdaAndBob two = AdaAndBob.open(fx);
      store.landThenFail = true;
      store.failuresLeft = 1;
      assertEquals(200, fx.transfer(two.ada(), two.adas(), two.bobs(), "7.00", "landed").status(),
          "the batch is found where it landed");
      assertEquals(new BigDecimal("93.00"), fx.balance(two.ada(), two.adas()));
    }
    LedgerConcurrencyTest.assertLedgerBalances(store, 2);
  }

  @Test
  void aWriteThatKeepsFailingIsUnavailableAndTheRetryHappensOnce() {
    FailingLog store = new FailingLog();
    try (AccountingFixture fx = new AccountingFixture(store, Clock.systemUTC())) {
      AdaAndBob two = AdaAndBob.open(fx);
      store.failuresLeft = 3;
      Reply failed = fx.transfer(two.ada(), two.adas(), two.bobs(), "7.00", "retry-me");
      assertEquals(503, failed.status(), failed.body());
      assertTrue(failed.body().contains("same idempotency key"), failed.body());
      assertEquals(new BigDecimal("100.00"), fx.balance(two.ada(), two.adas()), "nothing moved");
      assertEquals(200, fx.transfer(two.ada(), two.adas(), two.bobs(), "7.00", "retry-me").status());
      assertEquals(200, fx.transfer(two.ada(), two.adas(), two.bobs(), "7.00", "retry-me").status());
      assertEquals(new BigDecimal("93.00"), fx.balance(two.ada(), two.adas()), "moved once");
    }
    LedgerConcurrencyTest.assertLedgerBalances(store, 2);
  }

  @Test
  void aStoreWithAccountsInTheEarlierFormatIsRefusedRatherThanStartedEmpty() {
    MemoryObjectStore store = new MemoryObjectStore();
    store.put("accounting/accounts/acct_0123", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> AccountingFixture.openLedger(store));
    assertTrue(refused.getMessage().contains("new data directory"), refused.getMessage());
    assertTrue(store.list("accounting/log/").isEmpty(), "nothing written");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
