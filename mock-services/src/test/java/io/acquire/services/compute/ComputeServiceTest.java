package io.acquire.services.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.InvalidRequestException;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.MolecularSystem;
import io.acquire.client.PermissionException;
import io.acquire.client.Quote;
import io.acquire.client.TimeSeries;
import io.acquire.client.User;
import io.acquire.client.StatementLine;
import io.acquire.client.FileVersion;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.JobsBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs end to end on a real backend: the client quotes and submits, the local executor
 * launches a real job runner process that runs the MD workload and streams its records to
 * the output drive, and accounting settles the hold.
 */
class ComputeServiceTest {
  static final String SHORT_RAMP = "{\"system\":{\"cellsPerSide\":4,\"density\":1.374,\"cutoffSigmas\":2.5},\"protocol\":{\"runtime\":4,\"timestep\":5,"
      + "\"startTemperature\":60,\"endTemperature\":120,\"reportInterval\":0.05,\"seed\":7}}";
  static final String ENDLESS = "{\"system\":{\"cellsPerSide\":6,\"density\":1.374,\"cutoffSigmas\":2.5},\"protocol\":{\"runtime\":100000,\"timestep\":5,"
      + "\"reportInterval\":0.05}}";

  @TempDir
  static Path dir;
  static JobsBackend backend;
  static AcquireServer server;
  static User ada;
  static Account account;
  static Drive inputs;

  @BeforeAll
  static void start() throws IOException {
    backend = JobsBackend.start(AcquireServer.builder().store(new MemoryObjectStore()), "ada", "simulations");
    server = backend.server();
    ada = backend.user();
    account = backend.account();
    inputs = backend.inputs();
    inputs.upload(write("short.json", SHORT_RAMP), "md/short.json");
    inputs.upload(write("endless.json", ENDLESS), "md/endless.json");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  static Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  static JobSpec spec(String input, Duration maxRuntime) {
    return JobSpec.workload("md-equilibrate").input(inputs, input).cores(1).memoryMib(512).maxRuntime(maxRuntime)
        .paidBy(account);
  }

  @Test
  void aQuoteSaysWhichResourceTheJobRunsOnAndWhy() {
    Quote picked = Job.quote(ada, spec("md/short.json", Duration.ofMinutes(2)));
    assertEquals("local", picked.resource());
    assertEquals("the only resource offered", picked.reason());
    assertTrue(picked.toString().contains(" on local: "), picked.toString());

    Quote named = Job.quote(ada, spec("md/short.json", Duration.ofMinutes(2)).resource("local"));
    assertEquals("named in the request", named.reason());
    assertEquals(picked.price(), named.price());

    InvalidRequestException unknown = assertThrows(InvalidRequestException.class,
        () -> Job.quote(ada, spec("md/short.json", Duration.ofMinutes(2)).resource("gpu")));
    assertTrue(unknown.getMessage().contains("Unknown resource 'gpu'; the price list offers local."),
        unknown.getMessage());
    assertEquals(List.of("local"), Job.prices(ada).offers().stream().map(o -> o.resource()).distinct().toList());
  }

  @Test
  void jobRunsStreamsRecordsAndCostsNoMoreThanItsQuote() {
    Money before = account.balance();
    Quote quote = Job.quote(ada, spec("md/short.json", Duration.ofMinutes(2)));
    assertTrue(quote.price().isPositive(), quote.toString());
    Job job = quote.submit();
    assertEquals(job.id(), quote.submit().id(), "the same quote submitted twice is one job");
    assertEquals(1, account.status().holds().size(), "the quote is held while the job runs");

    assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(90)), job.message().orElse(""));
    Money cost = job.cost().orElseThrow();
    assertTrue(cost.isPositive() && cost.compareTo(quote.price()) <= 0, cost + " vs quote " + quote.price());
    assertEquals(before.minus(cost), account.balance(), "only the cost left the account");
    assertTrue(account.status().holds().isEmpty(), "the rest of the hold was released");
    List<StatementLine> lines = account.statement();
    assertTrue(lines.stream().anyMatch(l -> l.kind().equals("hold")), "statement shows the hold");
    assertTrue(lines.stream().anyMatch(l -> l.kind().equals("capture") && l.amount().equals(Money.zero("GBP").minus(cost))),
        "statement shows the capture of exactly the cost: " + lines);

    TimeSeries temperature = job.getTemperature();
    assertEquals(81, temperature.size(), "4 ps reported every 0.05 ps, plus t = 0");
    assertEquals(List.copyOf(job.getTime()), temperature.times());
    assertEquals(60.0, temperature.values().get(0), 1e-6);
    double lastQuarter = temperature.values().subList(60, 81).stream().mapToDouble(Double::doubleValue).average()
        .orElseThrow();
    assertTrue(lastQuarter > 95 && lastQuarter < 135, "temperature follows the ramp towards 120 K: " + lastQuarter);
    assertEquals("Total energy (kJ/mol)", job.getTotalEnergy().label());

    Drive outputs = job.outputs();
    assertTrue(outputs.isReadOnly());
    List<String> files = outputs.files().stream().map(FileVersion::path)
        .filter(p -> !p.startsWith("records/") && !p.startsWith("trajectory/")).toList();
    assertEquals(List.of("final.xyz", "job.log", "records.csv", "summary.json", "trajectory.xyz"), files);
    List<MolecularSystem> frames = job.view().frames();
    assertEquals(81, frames.size(), "a frame per record");
    assertEquals(frames, MolecularSystem.readXyz(new String(outputs.read("trajectory.xyz", 1 << 24).orElseThrow())),
        "the parts sent while running add up to the whole file");
    assertEquals(256, job.view().system().atomCount());
    assertEquals(80, job.view().system().frame());
    String csv = new String(outputs.read("records.csv", 1 << 20).orElseThrow());
    assertEquals(82, csv.lines().count(), "header plus one line per record");
    assertThrows(PermissionException.class, () -> outputs.upload(dir.resolve("short.json"), "sneaky.json"));
  }

  @Test
  void aJobPastItsMaximumRunTimeIsStoppedAndChargedAtMostItsQuote() {
    // Long enough for the runner to start its workload even on a loaded machine: a stop that
    // comes while the runner still fetches inputs ends the job before any workload starts.
    Job job = Job.quote(ada, spec("md/endless.json", Duration.ofSeconds(15))).submit();
    assertEquals(JobStatus.TIMED_OUT, job.waitFor(Duration.ofSeconds(90)));
    assertTrue(job.cost().orElseThrow().compareTo(job.price()) <= 0, job.toString());
    assertTrue(job.message().orElseThrow().contains("maximum run time of 15 s"), job.message().orElseThrow());
    assertFalse(job.getTemperature().isEmpty(), "records written before the stop were sent");
  }

  /**
   * The job's first frame of its system, waited for: the runner sends records and trajectory
   * parts each on its own schedule, so the first record may come before the first frame.
   */
  private static MolecularSystem firstFrame(Job job, long deadline) throws InterruptedException {
    while (true) {
      try {
        return job.view().system();
      } catch (io.acquire.client.NotFoundException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }

  @Test
  void cancelStopsARunningJob() throws InterruptedException {
    Job job = Job.quote(ada, spec("md/endless.json", Duration.ofMinutes(5))).submit();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (job.getTemperature().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertFalse(job.getTemperature().isEmpty(), "records stream while the job runs");
    MolecularSystem first = firstFrame(job, deadline);
    assertEquals(864, first.atomCount());
    assertEquals(34.7, first.box()[0], 0.1, "the 6x6x6-cell liquid's box, in ångström");
    while (job.view().system().frame() == first.frame() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    MolecularSystem later = job.view().system();
    assertTrue(later.frame() > first.frame(), "the view follows the running job: " + later);
    assertTrue(later.time().orElseThrow().picoseconds() > first.time().orElseThrow().picoseconds());
    assertEquals(JobStatus.RUNNING, job.status());
    job.cancel();
    assertEquals(JobStatus.CANCELLED, job.waitFor(Duration.ofSeconds(60)));
    assertTrue(job.cost().orElseThrow().compareTo(job.price()) < 0, "charged for the time used: " + job);
  }
}
