package io.acquire.services.compute;

import static io.acquire.services.compute.gromacs.GromacsAssumptions.assumeGromacs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.acquire.client.Account;
import io.acquire.client.AcquireException;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.TimeSeries;
import io.acquire.client.User;
import io.acquire.client.PriceList.Offer;
import io.acquire.client.FileVersion;
import io.acquire.services.AcquireServer;
import io.acquire.services.compute.gromacs.Gmx;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.JobsBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GROMACS jobs on a real backend: the same series getters read its records as the built-in engine's. */
class GromacsJobTest {
  static final String ARGON = "{\"system\": {\"name\": \"argon\", \"cellsPerSide\": 4}, \"protocol\": {\"runtime\": 20,"
      + " \"timestep\": 5, \"startTemperature\": 60, \"endTemperature\": 120, \"reportInterval\": 0.1, \"seed\": 3}}";

  @TempDir
  static Path dir;
  static JobsBackend backend;
  static AcquireServer server;
  static User ada;
  static Account account;
  static Drive inputs;

  @BeforeAll
  static void start() throws IOException {
    backend = JobsBackend.start(AcquireServer.builder().store(new MemoryObjectStore()), "ada", "gromacs");
    server = backend.server();
    ada = backend.user();
    account = backend.account();
    inputs = backend.inputs();
    inputs.upload(Files.writeString(dir.resolve("argon.json"), ARGON), "gromacs/argon.json");
    inputs.upload(Files.writeString(dir.resolve("endless.json"), "{\"protocol\": {\"runtime\": 100000}}"),
        "gromacs/endless.json");
  }

  @AfterAll
  static void stop() {
    backend.close();
  }

  private static JobSpec spec() {
    return spec("gromacs/argon.json");
  }

  private static JobSpec spec(String input) {
    return JobSpec.workload("gromacs-equilibrate").input(inputs, input).cores(1).memoryMib(512)
        .maxRuntime(Duration.ofMinutes(3)).paidBy(account);
  }

  @Test
  void thePriceListOffersGromacsExactlyWhenThisMachineCanRunIt() {
    Optional<String> unavailable = Gmx.unavailable();
    boolean offered = Job.prices(ada).offers().stream().map(Offer::workload).anyMatch("gromacs-equilibrate"::equals);
    assertEquals(unavailable.isEmpty(), offered, unavailable.orElse("gmx works here"));
    if (unavailable.isPresent()) {
      AcquireException refused = assertThrows(AcquireException.class, () -> Job.quote(ada, spec()));
      assertEquals(400, refused.status());
      assertTrue(refused.getMessage().contains("gromacs-equilibrate is not offered by this backend"), refused.getMessage());
    }
  }

  @Test
  void aGromacsJobStreamsRecordsThatTheSeriesGettersRead() throws InterruptedException {
    assumeGromacs();
    Money before = account.balance();
    Job job = Job.quote(ada, spec()).submit();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (job.getTemperature().isEmpty()) {
      if (System.nanoTime() > deadline) {
        fail("no records within 90 s: " + job.refresh());
      }
      Thread.sleep(100);
    }
    assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(150)), job.message().orElse(""));
    TimeSeries temperature = job.getTemperature();
    assertEquals(201, temperature.size(), "20 ps reported every 0.1 ps, plus t = 0");
    assertEquals(List.copyOf(job.getTime()), temperature.times());
    assertEquals(-5243.52 / 864 * 256, job.getPotentialEnergy().values().get(0), 0.1,
        "256 atoms on the lattice have the 864-atom lattice's energy per atom");
    double lastQuarter = temperature.values().subList(150, 201).stream().mapToDouble(Double::doubleValue).average()
        .orElseThrow();
    assertTrue(lastQuarter > 95 && lastQuarter < 135, "temperature follows the ramp towards 120 K: " + lastQuarter);
    Money cost = job.cost().orElseThrow();
    assertTrue(cost.isPositive() && cost.compareTo(job.price()) <= 0, cost + " vs quote " + job.price());
    assertEquals(before.minus(cost), account.balance());
    List<String> files = job.outputs().files().stream().map(FileVersion::path).toList();
    for (String file : List.of("records.csv", "md.log", "md.edr", "md.gro", "topol.top", "summary.json", "job.log")) {
      assertTrue(files.contains(file), file + " in " + files);
    }
    assertFalse(files.stream().anyMatch(f -> f.startsWith("#")), "no GROMACS backups: " + files);
  }

  @Test
  void cancellingAGromacsJobStopsMdrunAndKeepsWhatItLogged() throws InterruptedException {
    assumeGromacs();
    Job job = Job.quote(ada, spec("gromacs/endless.json")).submit();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (job.getTemperature().size() < 3) {
      if (System.nanoTime() > deadline) {
        fail("no records within 90 s: " + job.refresh());
      }
      Thread.sleep(100);
    }
    job.cancel();
    assertEquals(JobStatus.CANCELLED, job.waitFor(Duration.ofSeconds(60)));
    assertTrue(job.cost().orElseThrow().compareTo(job.price()) < 0, job.toString());
    int streamed = job.getTemperature().size();
    assertTrue(streamed >= 3, "records sent before the stop are kept: " + streamed);
    String csv = new String(job.outputs().read("records.csv", 1 << 20).orElseThrow());
    assertTrue(csv.lines().count() - 1 >= streamed, "the whole records.csv was uploaded after the stop");
    List<String> files = job.outputs().files().stream().map(FileVersion::path).toList();
    assertTrue(files.contains("md.log") && files.contains("md.edr"), "GROMACS's files as they were: " + files);
  }
}
