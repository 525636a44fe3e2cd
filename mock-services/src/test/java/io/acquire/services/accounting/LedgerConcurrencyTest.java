package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.AcquireServer;
import io.acquire.services.accounting.Records.AccountMeta;
import io.acquire.services.accounting.Records.AccountState;
import io.acquire.services.store.LocalObjectStore;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger never loses or duplicates money under concurrency, across processes, and across SIGKILL. */
class LedgerConcurrencyTest {
  private static final List<String> USERS = List.of("ada", "bob", "cy", "dee");

  @TempDir
  Path data;

  /**
   * The invariant, read by a fresh ledger that replays the log: the log chains by hash;
   * over all accounts, funding included, balances sum to exactly zero; every journal has no
   * gaps, chains by hash and adds up; no reference appears twice in a journal and no hold
   * is captured twice.
   */
  static void assertLedgerBalances(ObjectStore store, int expectedUsers) {
    try (Ledger ledger = AccountingFixture.openLedger(store)) {
      assertTrue(ledger.verifyLog() > 0, "the log has batches and chains by hash");
      long total = 0;
      long users = 0;
      Set<String> capturedHolds = new HashSet<>();
      for (AccountState account : ledger.allAccounts()) {
        AccountMeta meta = account.meta();
        List<Entry> journal = ledger.journal(meta.id());
        long sum = 0;
        Set<String> references = new HashSet<>();
        for (int i = 0; i < journal.size(); i++) {
          Entry line = journal.get(i);
          assertEquals(i, line.seq(), "journal of " + meta.id() + " has no gaps");
          if (i > 0) {
            assertTrue(line.chainsFrom(journal.get(i - 1)), "hash chain of " + meta.id() + " at " + i);
          }
          sum += line.amountMinor();
          assertEquals(sum, line.balanceMinor(), "running balance of " + meta.id() + " at " + i);
          if (line.reference() != null) {
            assertTrue(references.add(line.reference()), line.reference() + " applied twice to " + meta.id());
          }
          if (line.kind().equals("capture")) {
            String hold = ledger.transfer(line.reference()).orElseThrow().holdId();
            assertTrue(capturedHolds.add(hold), "hold " + hold + " captured twice");
          }
        }
        assertEquals(sum, account.latest().balanceMinor(), "state of " + meta.id() + " matches its journal");
        total += sum;
        if (!meta.owner().equals(Ledger.SYSTEM)) {
          users++;
        }
      }
      assertEquals(0, total, "money was created or destroyed");
      long deposits = -ledger.account(Ledger.FUNDING).orElseThrow().latest().balanceMinor();
      assertEquals(0, deposits % expectedUsers, "equal demo credit per user");
      assertTrue(deposits > 0);
      assertTrue(users >= expectedUsers);
    }
  }

  /** Random transfers, holds, captures and voids with repeated keys, retried on failure as a client would. */
  static void hammer(List<String> servers, ObjectStore store, int threads, int operations, Runnable midway)
      throws Exception {
    TestSessions issuer = new TestSessions(store, servers.get(0));
    Map<String, Session> logins = new ConcurrentHashMap<>();
    USERS.forEach(user -> logins.put(user, issuer.login(user)));
    String[] urls = servers.toArray(String[]::new);
    Map<String, String> accounts = new ConcurrentHashMap<>();
    for (String user : USERS) {
      Reply reply = logins.get(user).send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}");
      assertEquals(201, reply.status(), reply.body());
      accounts.put(user, json(reply).get("id").asText());
    }
    AtomicInteger done = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        Random random = new Random(thread);
        for (int i = 0; i < operations; i++) {
          String user = USERS.get(random.nextInt(USERS.size()));
          String other = USERS.get((USERS.indexOf(user) + 1 + random.nextInt(USERS.size() - 1)) % USERS.size());
          // Keys repeat across threads on purpose: the same request arriving twice moves money once.
          String key = "k" + random.nextInt(operations * threads / 2);
          int minor = 1 + random.nextInt(900);
          String amount = minor / 100 + "." + String.format("%02d", minor % 100);
          int kind = random.nextInt(4);
          try {
            if (kind < 2) {
              until(urls, random, url -> logins.get(user).at(url).send("POST", "/t/accounting/transfers",
                  "{\"from\":\"" + accounts.get(user) + "\",\"to\":\"" + accounts.get(other) + "\",\"idempotencyKey\":\""
                      + key + "\",\"amount\":" + AccountingFixture.money(amount) + "}"));
            } else {
              Reply hold = until(urls, random, url -> logins.get(user).at(url).send("POST", "/t/accounting/holds",
                  "{\"account\":\"" + accounts.get(user) + "\",\"expiresInSeconds\":600,\"idempotencyKey\":\"h" + key
                      + "\",\"amount\":" + AccountingFixture.money(amount) + "}"));
              if (hold.status() == 201) {
                String id = json(hold).get("id").asText();
                String action = kind == 2 ? "/capture" : "/void";
                String body = kind == 2 ? "{\"amount\":" + AccountingFixture.money(amount) + "}" : "{}";
                until(urls, random, url -> logins.get(user).at(url).send("POST", "/t/accounting/holds/" + id + action, body));
              }
            }
          } catch (RuntimeException | AssertionError e) {
            failure.compareAndSet(null, e);
          }
          if (done.incrementAndGet() == threads * operations / 2) {
            midway.run();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get(5, TimeUnit.MINUTES);
    }
    pool.shutdown();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  interface Call {
    Reply send(String serverUrl);
  }

  /** Sends until a definite answer arrives, switching server on a dead connection or a 5xx. */
  private static Reply until(String[] urls, Random random, Call call) {
    for (int attempt = 0; attempt < 200; attempt++) {
      try {
        Reply reply = call.send(urls[random.nextInt(urls.length)]);
        if (reply.status() < 500) {
          assertTrue(reply.status() < 300 || reply.status() == 402 || reply.status() == 409, reply.body());
          return reply;
        }
      } catch (UncheckedIOException e) {
        // The server died mid-request: the outcome is unknown, so repeat it; the key makes that safe.
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("no definite answer after 200 attempts");
  }

  @Test
  void sixteenThreadsNeverLoseOrDuplicateMoney() throws Exception { // 2,000 operations
    MemoryObjectStore store = new MemoryObjectStore();
    try (AcquireServer server = AcquireServer.builder().store(store).port(0)
        .services(List.of("registry", "accounting")).start()) {
      hammer(List.of(server.url()), store, 16, 125, () -> { });
      assertLedgerBalances(store, USERS.size());
    }
  }

  @Test
  void twoProcessesOnOneStoreSurviveOneBeingKilledMidRun() throws Exception { // 2,000 operations
    ChildBackends children = new ChildBackends(data);
    Process child = children.start();
    String childUrl = children.awaitReady(child);
    try (LocalObjectStore store = LocalObjectStore.open(children.store());
         AcquireServer local = AcquireServer.builder().store(store).port(0)
             .services(List.of("registry", "accounting")).start()) {
      AtomicReference<String> restartedUrl = new AtomicReference<>();
      hammer(List.of(local.url(), childUrl), store, 16, 125, () -> {
        child.destroyForcibly();
        try {
          child.waitFor(30, TimeUnit.SECONDS);
          Process restarted = children.start();
          restartedUrl.set(children.awaitReady(restarted));
          restarted.destroy();
          restarted.waitFor(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertTrue(restartedUrl.get() != null, "the killed process came back");
      assertLedgerBalances(store, USERS.size());
    } finally {
      child.destroyForcibly();
    }
  }
}
