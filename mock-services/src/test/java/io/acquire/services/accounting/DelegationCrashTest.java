package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.json;
import static io.acquire.services.accounting.AccountingFixture.money;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.AcquireServer;
import io.acquire.services.store.LocalObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sub-accounts under concurrency on two processes sharing one store while one is killed
 * with SIGKILL: members spend, owners change budgets and freeze, and afterwards the books
 * are exact and every sub-account kept its budget and cap.
 */
class DelegationCrashTest {
  private static final List<String> OWNERS = List.of("ada", "eve");
  private static final int MEMBERS_EACH = 4;
  private static final String CAP = "12.00";

  @TempDir
  Path data;

  private record Sub(String owner, String member, String account) {}

  @Test
  void membersSpendingAndOwnersChangingBudgetsAcrossAKilledProcessKeepEveryBudgetAndCap() throws Exception {
    ChildBackends children = new ChildBackends(data);
    Process child = children.start();
    AtomicReferenceArray<String> urls = new AtomicReferenceArray<>(2);
    urls.set(1, children.awaitReady(child));
    List<Process> started = new ArrayList<>(List.of(child));
    try (LocalObjectStore store = LocalObjectStore.open(children.store());
         AcquireServer local = AcquireServer.builder().store(store).port(0)
             .services(List.of("registry", "accounting")).start()) {
      urls.set(0, local.url());
      TestSessions issuer = new TestSessions(store, local.url());
      Map<String, Session> logins = new ConcurrentHashMap<>();
      List<Sub> subs = new ArrayList<>();
      Map<String, String> labs = new ConcurrentHashMap<>();
      for (String owner : OWNERS) {
        Session session = issuer.login(owner);
        logins.put(owner, session);
        Reply lab = session.send("POST", "/t/accounting/accounts", "{\"name\":\"lab\"}");
        assertEquals(201, lab.status(), lab.body());
        labs.put(owner, json(lab).get("id").asText());
        List<String> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS_EACH; i++) {
          String member = owner + "-m" + i;
          members.add("\"" + member + "\"");
          logins.put(member, issuer.login(member));
        }
        Reply delegated = session.send("POST", "/t/accounting/accounts/" + labs.get(owner) + "/delegations",
            "{\"members\":" + members + ",\"budget\":" + money("20.00") + ",\"dailyCap\":" + money(CAP) + "}");
        assertEquals(201, delegated.status(), delegated.body());
        json(delegated).get("members").forEach(m -> subs.add(new Sub(owner, m.get("member").asText(),
            m.get("account").asText())));
      }

      Map<String, Long> spent = new ConcurrentHashMap<>();
      AtomicInteger done = new AtomicInteger();
      int threads = 8;
      int operations = 60;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          Random random = new Random(thread);
          for (int i = 0; i < operations; i++) {
            Sub sub = subs.get(random.nextInt(subs.size()));
            String key = "t" + thread + "-" + i;
            if (random.nextInt(10) < 7) {
              spend(logins.get(sub.member()), sub, subs, labs, key, random, urls, spent);
            } else {
              govern(logins.get(sub.owner()), sub, random, urls);
            }
            if (done.incrementAndGet() == threads * operations / 2) {
              child.destroyForcibly();
              try {
                child.waitFor(30, TimeUnit.SECONDS);
                Process restarted = children.start();
                started.add(restarted);
                urls.set(1, children.awaitReady(restarted));
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get(3, TimeUnit.MINUTES);
      }
      pool.shutdown();
      assertTrue(started.size() == 2, "the killed process came back");

      long returned = 0;
      for (Sub sub : subs) {
        Reply closed = until(urls, new Random(), Set.of(200),
            url -> logins.get(sub.owner()).at(url).send("POST", "/t/accounting/accounts/" + sub.account() + "/close",
                "{}"));
        returned += AccountingFixture.amount(json(closed).get("returned")).movePointRight(2).longValueExact();
      }
      assertTrue(returned > 0, "closing returned the unspent budgets");
      LedgerConcurrencyTest.assertLedgerBalances(store, OWNERS.size());
      assertEquals(subs.size(), BudgetChecks.assertWithinCaps(store, spent));
      long allSpent = spent.values().stream().mapToLong(Long::longValue).sum();
      try (Ledger ledger = AccountingFixture.openLedger(store)) {
        long labsNow = OWNERS.stream().mapToLong(o -> ledger.account(labs.get(o)).orElseThrow().latest().balanceMinor())
            .sum();
        assertEquals(OWNERS.size() * 100_00L - allSpent, labsNow, "the owners kept all but what members spent");
      }
    } finally {
      started.forEach(Process::destroyForcibly);
    }
  }

  /** A member's request: a job-like hold settled or released, a payment to the operator, or a payment that must be refused. */
  private static void spend(Session member, Sub sub, List<Sub> subs, Map<String, String> labs, String key,
      Random random, AtomicReferenceArray<String> urls, Map<String, Long> spent) {
    int minor = 1 + random.nextInt(300);
    String amount = AccountingFixture.money(minor / 100 + "." + String.format("%02d", minor % 100));
    switch (random.nextInt(4)) {
      case 0, 1 -> {
        Reply hold = until(urls, random, Set.of(201, 402, 409), url -> member.at(url).send("POST",
            "/t/accounting/holds", "{\"account\":\"" + sub.account() + "\",\"expiresInSeconds\":600,"
                + "\"idempotencyKey\":\"" + key + "\",\"amount\":" + amount + "}"));
        if (hold.status() != 201) {
          return;
        }
        String id = json(hold).get("id").asText();
        if (random.nextInt(3) == 0) {
          until(urls, random, Set.of(200, 409), url -> member.at(url).send("POST", "/t/accounting/holds/" + id
              + "/void", "{}"));
          return;
        }
        int captured = 1 + random.nextInt(minor);
        String capture = AccountingFixture.money(captured / 100 + "." + String.format("%02d", captured % 100));
        until(urls, random, Set.of(200), url -> member.at(url).send("POST", "/t/accounting/holds/" + id + "/capture",
            "{\"amount\":" + capture + "}"));
        spent.merge(sub.member(), (long) captured, Long::sum);
      }
      case 2 -> {
        Reply paid = until(urls, random, Set.of(200, 402, 409), url -> member.at(url).send("POST",
            "/t/accounting/transfers", "{\"from\":\"" + sub.account() + "\",\"to\":\"" + Ledger.REVENUE + "\","
                + "\"idempotencyKey\":\"" + key + "\",\"amount\":" + amount + "}"));
        if (paid.status() == 200) {
          spent.merge(sub.member(), (long) minor, Long::sum);
        }
      }
      default -> {
        Sub other = subs.get(random.nextInt(subs.size()));
        String to = other.equals(sub) ? labs.get(sub.owner()) : other.account();
        until(urls, random, Set.of(403, 402, 409), url -> member.at(url).send("POST", "/t/accounting/transfers",
            "{\"from\":\"" + sub.account() + "\",\"to\":\"" + to + "\",\"idempotencyKey\":\"" + key + "\","
                + "\"amount\":" + AccountingFixture.money("0.01") + "}"));
      }
    }
  }

  /** An owner's request: a new budget (same cap), a freeze or an unfreeze. */
  private static void govern(Session owner, Sub sub, Random random, AtomicReferenceArray<String> urls) {
    String path = "/t/accounting/accounts/" + sub.account();
    switch (random.nextInt(3)) {
      case 0 -> {
        String budget = money((10 + random.nextInt(20)) + "." + String.format("%02d", random.nextInt(100)));
        until(urls, random, Set.of(200, 402, 409), url -> owner.at(url).send("PUT", path + "/delegation",
            "{\"budget\":" + budget + ",\"dailyCap\":" + money(CAP) + "}"));
      }
      case 1 -> until(urls, random, Set.of(200), url -> owner.at(url).send("POST", path + "/freeze", "{}"));
      default -> until(urls, random, Set.of(200), url -> owner.at(url).send("POST", path + "/unfreeze", "{}"));
    }
  }

  /** Sends until a definite answer, switching server on a dead connection or a 5xx; the answer must be one of {@code expected}. */
  private static Reply until(AtomicReferenceArray<String> urls, Random random, Set<Integer> expected,
      Function<String, Reply> call) {
    for (int attempt = 0; attempt < 200; attempt++) {
      try {
        Reply reply = call.apply(urls.get(random.nextInt(urls.length())));
        if (reply.status() < 500) {
          assertTrue(expected.contains(reply.status()), "expected one of " + expected + ": " + reply.body());
          return reply;
        }
      } catch (UncheckedIOException e) {
        // The server died mid-request: the outcome is unknown, so repeat it; keys and stated outcomes make that safe.
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
}
