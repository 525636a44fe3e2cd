package io.acquire.services.accounting;

import static io.acquire.services.accounting.AccountingFixture.amount;
import static io.acquire.services.accounting.AccountingFixture.json;
import static io.acquire.services.accounting.AccountingFixture.money;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The scale check: 1,000 users in 50 groups, each group's lead delegating a budget
 * to each member in one request, against the real backend. Every member pays the operator
 * for storage and runs two job-like holds settled through the accounting API (the daily cap
 * refuses some second ones); one a group tries to move its budget out. Leads then freeze,
 * cut, raise and close. At the end every sub-account is within its budget and cap, spend per
 * member is what was seen, and the books are exact.
 */
class BudgetsScaleTest {
  private static final int GROUPS = 50;
  private static final int MEMBERS_EACH = 20;
  private static final long BUDGET = 10_00;
  private static final long CAP = 6_00;

  private final AtomicInteger requests = new AtomicInteger();

  private record Member(int group, String name, Session session, String sub) {}

  private record Group(String account, List<Member> members) {}

  @Test
  void aThousandMembersInFiftyGroupsEndWithinTheirCapsAndTheBooksExact() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    long started = System.nanoTime();
    try (AcquireServer server = AcquireServer.builder().store(store).port(0)
        .services(List.of("registry", "accounting")).option("accounting.demo-credit", "1000.00").start()) {
      // 1,000 members' budgets of 10.00 from 50 groups: 200.00 each, from 1,000.00 of credit.
      TestSessions issuer = new TestSessions(store, server.url());
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        // Each lead opens the group's account and delegates to all 20 members in one request.
        List<Session> leads = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        List<Member> members = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
          leads.add(issuer.login(String.format("lead%02d", g)));
        }
        List<Group> opened = all(pool, GROUPS, g -> {
          Session lead = leads.get(g);
          String group = created(send(lead, "POST", "/t/accounting/accounts", "{\"name\":\"group\"}"));
          List<String> names = new ArrayList<>();
          for (int m = 0; m < MEMBERS_EACH; m++) {
            names.add("\"" + String.format("user%04d", g * MEMBERS_EACH + m) + "\"");
          }
          Reply reply = send(lead, "POST", "/t/accounting/accounts/" + group + "/delegations", "{\"members\":"
              + names + ",\"budget\":" + money(minor(BUDGET)) + ",\"dailyCap\":" + money(minor(CAP)) + "}");
          assertEquals(201, reply.status(), reply.body());
          List<Member> mine = new ArrayList<>();
          for (JsonNode row : json(reply).get("members")) {
            mine.add(new Member(g, row.get("member").asText(), issuer.login(row.get("member").asText()),
                row.get("account").asText()));
          }
          return new Group(group, mine);
        });
        for (Group group : opened) {
          groups.add(group.account());
          members.addAll(group.members());
        }
        assertEquals(GROUPS * MEMBERS_EACH, members.size());

        // Every member: a payment for storage, two job-like holds settled through the API; one a group tries a way out.
        Map<String, Long> spent = new ConcurrentHashMap<>();
        AtomicInteger cappedOut = new AtomicInteger();
        all(pool, members.size(), i -> {
          Member m = members.get(i);
          Random random = new Random(i);
          Reply paid = send(m.session(), "POST", "/t/accounting/transfers", "{\"from\":\"" + m.sub() + "\",\"to\":\""
              + Ledger.REVENUE + "\",\"idempotencyKey\":\"storage\",\"amount\":" + money("0.50") + "}");
          assertEquals(200, paid.status(), paid.body());
          spent.merge(m.name(), 50L, Long::sum);
          for (int job = 0; job < 2; job++) {
            Reply hold = send(m.session(), "POST", "/t/accounting/holds", "{\"account\":\"" + m.sub() + "\","
                + "\"expiresInSeconds\":600,\"idempotencyKey\":\"job" + job + "\",\"amount\":" + money("4.00") + "}");
            if (hold.status() == 402) {
              assertTrue(job == 1 && hold.body().contains("daily cap"), hold.body());
              cappedOut.incrementAndGet();
              continue;
            }
            assertEquals(201, hold.status(), hold.body());
            long cost = 1 + random.nextInt(400);
            Reply settled = send(m.session(), "POST", "/t/accounting/holds/" + json(hold).get("id").asText()
                + "/capture", "{\"amount\":" + money(minor(cost)) + "}");
            assertEquals(200, settled.status(), settled.body());
            spent.merge(m.name(), cost, Long::sum);
          }
          if (i % MEMBERS_EACH == 0) { // one a group: DelegationTest tries every way out
            Reply out = send(m.session(), "POST", "/t/accounting/transfers", "{\"from\":\"" + m.sub() + "\",\"to\":\""
                + groups.get(m.group()) + "\",\"idempotencyKey\":\"out\",\"amount\":" + money("0.01") + "}");
            assertEquals(403, out.status(), out.body());
          }
          return null;
        });
        assertTrue(cappedOut.get() > 0, "some second jobs passed the daily cap and were refused");

        // Each lead freezes one member, cuts one to what was spent, raises one, and closes five.
        all(pool, GROUPS, g -> {
          List<Member> mine = members.subList(g * MEMBERS_EACH, (g + 1) * MEMBERS_EACH);
          Session lead = leads.get(g);
          assertEquals(200, send(lead, "POST", "/t/accounting/accounts/" + mine.get(0).sub() + "/freeze", "{}").status());
          long cut = spent.getOrDefault(mine.get(1).name(), 0L);
          Reply lowered = send(lead, "PUT", "/t/accounting/accounts/" + mine.get(1).sub() + "/delegation",
              "{\"budget\":" + money(minor(cut)) + ",\"dailyCap\":" + money(minor(CAP)) + "}");
          assertEquals(200, lowered.status(), lowered.body());
          Reply raised = send(lead, "PUT", "/t/accounting/accounts/" + mine.get(2).sub() + "/delegation",
              "{\"budget\":" + money(minor(BUDGET + 5_00)) + ",\"dailyCap\":" + money(minor(CAP)) + "}");
          assertEquals(200, raised.status(), raised.body());
          for (Member closing : mine.subList(3, 8)) {
            Reply closed = send(lead, "POST", "/t/accounting/accounts/" + closing.sub() + "/close", "{}");
            assertEquals(200, closed.status(), closed.body());
            assertEquals(BUDGET - spent.getOrDefault(closing.name(), 0L),
                amount(json(closed).get("returned")).movePointRight(2).longValueExact());
          }
          Reply frozenHold = send(mine.get(0).session(), "POST", "/t/accounting/holds", "{\"account\":\""
              + mine.get(0).sub() + "\",\"expiresInSeconds\":600,\"idempotencyKey\":\"late\",\"amount\":"
              + money("0.01") + "}");
          assertEquals(409, frozenHold.status(), frozenHold.body());
          for (JsonNode row : json(send(lead, "GET", "/t/accounting/accounts/" + groups.get(g) + "/delegations",
              null)).get("members")) {
            long rowSpent = minorOf(row.get("spent"));
            assertEquals(spent.getOrDefault(row.get("member").asText(), 0L), rowSpent, "spend per member: " + row);
            assertTrue(minorOf(row.get("spentToday")) <= CAP && rowSpent <= minorOf(row.get("budget"))
                && minorOf(row.get("available")) >= 0, "within its caps: " + row);
          }
          return null;
        });
      } finally {
        pool.shutdownNow();
      }
      long run = System.nanoTime();
      assertEquals(GROUPS * MEMBERS_EACH, BudgetChecks.assertBooksExactAndWithinCaps(store, Map.of()));
      // CPU time says more than wall time on a shared machine: both are printed.
      System.out.printf("BudgetsScaleTest: %d users in %d groups, %d signed requests in %.1f s, checks %.1f s, "
          + "process CPU %.1f s%n", GROUPS * (MEMBERS_EACH + 1), GROUPS, requests.get(), (run - started) / 1e9,
          (System.nanoTime() - run) / 1e9, ProcessHandle.current().info().totalCpuDuration()
              .map(d -> d.toMillis() / 1e3).orElse(-1.0));
    }
  }

  private Reply send(Session user, String method, String path, String body) {
    requests.incrementAndGet();
    return user.send(method, path, body);
  }

  private static String created(Reply reply) {
    assertEquals(201, reply.status(), reply.body());
    return json(reply).get("id").asText();
  }

  private static String minor(long minor) {
    return BigDecimal.valueOf(minor, 2).toPlainString();
  }

  private static long minorOf(JsonNode money) {
    return amount(money).movePointRight(2).longValueExact();
  }

  interface Task<T> {
    T run(int index) throws Exception;
  }

  /** Runs {@code count} tasks on the pool and waits for all; the first failure fails the test. */
  private static <T> List<T> all(ExecutorService pool, int count, Task<T> task) throws Exception {
    List<Future<T>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = i;
      futures.add(pool.submit((Callable<T>) () -> task.run(index)));
    }
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get(2, TimeUnit.MINUTES));
    }
    return results;
  }
}
