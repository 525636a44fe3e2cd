package io.acquire.services.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.Quote;
import io.acquire.client.FileVersion;
import io.acquire.client.StoragePayment;
import io.acquire.client.StorageCharge;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.JobsBackend;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A job's quote includes a year's storage of its outputs, estimated from the workload and
 * its inputs; the job is charged for what its outputs take (at most the estimate), and
 * deleting the outputs refunds the unused part, all through the SDK against the real backend.
 */
class JobOutputStorageTest {
  private static final long PRICE_MINOR = 1_000_000; // 10000.00 a GiB-year: outputs cost pennies, not fractions

  @Test
  void aJobPaysAYearOfItsOutputsAtMostTheEstimateAndDeletingThemRefundsTheUnusedPart() {
    try (JobsBackend b = JobsBackend.start(AcquireServer.builder().store(new MemoryObjectStore())
        .option("storage.price-per-gib-year", "10000.00"), "ada", "simulations")) {
      Drive inputs = b.inputs().payFrom(b.account());
      byte[] settings = ComputeServiceTest.SHORT_RAMP.getBytes(StandardCharsets.UTF_8);
      inputs.write("md/short.json", settings);
      Quote quote = Job.quote(b.user(), JobSpec.workload("md-equilibrate").input(inputs, "md/short.json").cores(1)
          .memoryMib(512).maxRuntime(Duration.ofMinutes(2)).paidBy(b.account()));
      long estimate = 256 * 1024 + settings.length + 16 * 1024 * 120;
      assertEquals(estimate, quote.estimatedOutputBytes(), "fixed part, the input, and 16 KiB a second of run time");
      assertEquals(Money.ofMinorUnits(yearMinor(estimate), "GBP"), quote.storagePrice());
      assertTrue(quote.price().compareTo(quote.storagePrice()) > 0, "the run itself is in the price too");

      Job job = quote.submit();
      assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofMinutes(3)), job.toString());
      Drive outputs = job.outputs();
      long actual = 0;
      for (FileVersion f : allVersions(outputs)) {
        actual += yearMinor(f.size());
      }
      List<StoragePayment> paid = outputs.payments();
      long paidMinor = paid.stream().mapToLong(p -> p.paid().minorUnits()).sum();
      assertEquals(Math.min(actual, quote.storagePrice().minorUnits()), paidMinor,
          "the outputs paid a year of what they take, at most the estimate");
      assertTrue(paid.stream().allMatch(p -> b.account().id().equals(p.account())), paid.toString());
      assertTrue(job.cost().orElseThrow().compareTo(quote.price()) <= 0, job.toString());
      assertEquals(b.account().id(), outputs.refresh().payer(), "the output drive names the job's account");

      StorageCharge deleted = outputs.deleteDrive();
      assertTrue(deleted.refunded().minorUnits() > 0 && deleted.refunded().minorUnits() <= paidMinor,
          deleted.toString());
      assertTrue(b.account().statement().stream().anyMatch(l -> l.description().startsWith("storage refund: drive "
          + job.id() + ", ")), "the refund is in the statement");
    }
  }

  private static long yearMinor(long bytes) {
    BigInteger[] qr = BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(PRICE_MINOR))
        .divideAndRemainder(BigInteger.ONE.shiftLeft(30));
    return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
  }

  private static List<FileVersion> allVersions(Drive drive) {
    return drive.files().stream().flatMap(f -> drive.versions(f.path()).stream()).toList();
  }
}
