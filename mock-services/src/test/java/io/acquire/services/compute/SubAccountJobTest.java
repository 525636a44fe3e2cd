package io.acquire.services.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.ConflictException;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.PermissionException;
import io.acquire.client.Quote;
import io.acquire.client.User;
import io.acquire.client.BudgetSummary;
import io.acquire.client.ClosedBudget;
import io.acquire.client.MemberBudget;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.JobsBackend;
import io.acquire.services.testing.RealLogins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A member runs a real job paid by a sub-account, through the SDK, and the owner sees it, freezes and closes. */
class SubAccountJobTest {
  private static final Money GBP_20 = Money.of("20.00", "GBP");

  @TempDir
  Path dir;

  @Test
  void aMembersJobIsPaidFromTheirSubAccountAndTheOwnerSeesTheSpendAndGetsTheRestBack() throws Exception {
    try (JobsBackend backend = JobsBackend.start(AcquireServer.builder().store(new MemoryObjectStore()), "ada", "lab");
         User bob = RealLogins.loggedIn(backend.server().url(), "bob")) {
      Account lab = backend.account();
      Account forBob = lab.delegate("bob", GBP_20, Money.of("10.00", "GBP"));
      assertEquals(Money.of("80.00", "GBP"), lab.balance());

      Account sub = Account.open(bob, "lab/bob");
      assertEquals(forBob.id(), sub.id(), "Bob finds the sub-account among his accounts");
      assertEquals("open", sub.status().delegation().status());
      Drive inputs = Drive.open(bob, "inputs");
      inputs.upload(Files.writeString(dir.resolve("short.json"), ComputeServiceTest.SHORT_RAMP), "md/short.json");
      JobSpec spec = JobSpec.workload("md-equilibrate").input(inputs, "md/short.json").cores(1).memoryMib(512)
          .maxRuntime(Duration.ofMinutes(2)).paidBy(sub);
      Quote quote = Job.quote(bob, spec);
      Job job = quote.submit();
      assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(120)), job.message().orElse(""));
      Money cost = job.cost().orElseThrow();
      assertTrue(cost.isPositive() && cost.compareTo(quote.price()) <= 0, cost + " vs " + quote.price());
      assertEquals(GBP_20.minus(cost), sub.balance());

      BudgetSummary budgets = lab.budgets();
      MemberBudget row = budgets.members().get(0);
      assertEquals("bob", row.member());
      assertEquals(cost, row.spent(), "Ada sees what Bob's job cost");
      assertEquals(cost, row.spentToday());
      assertThrows(PermissionException.class, () -> Job.quote(backend.user(), spec), "Ada cannot spend Bob's budget");

      MemberBudget raised = forBob.setBudget(Money.of("25.00", "GBP"), null);
      assertEquals(Money.of("25.00", "GBP"), raised.budget());
      assertEquals(Money.of("75.00", "GBP"), lab.balance(), "the raise came from the parent");
      assertEquals("frozen", forBob.freeze().status());
      assertThrows(ConflictException.class, () -> Job.quote(bob, spec), "a frozen sub-account takes no new jobs");
      assertEquals("open", forBob.unfreeze().status());
      Job.quote(bob, spec);
      forBob.freeze();
      ClosedBudget closed = forBob.close();
      assertEquals(Money.of("25.00", "GBP").minus(cost), closed.returned());
      assertEquals(Money.of("100.00", "GBP").minus(cost), lab.balance(), "Ada has back all but the job's cost");
      assertEquals(List.of("closed"), lab.budgets().members().stream().map(MemberBudget::status).toList());
    }
  }
}
