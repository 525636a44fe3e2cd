package io.acquire.services.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.PriceList.Offer;
import io.acquire.client.User;
import io.acquire.client.FileVersion;
import io.acquire.services.AcquireServer;
import io.acquire.services.compute.batch.BatchScript;
import io.acquire.services.testing.JobsBackend;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch scripts on a real backend with its store on disk, as an operator runs it as root:
 * the script runs as a uid of its own and cannot reach the job's ticket or the store.
 * Without root the workload is not offered and these tests are skipped (failed under CI=true,
 * whose machine runs them as root).
 */
class BatchScriptJobTest {
  @TempDir
  static Path dir;
  static Path data;
  static Path jobsDir;
  static JobsBackend backend;
  static AcquireServer server;
  static User ada;
  static Account account;
  static Drive inputs;

  @BeforeAll
  static void start() throws IOException {
    Optional<String> unavailable = BatchScript.unavailable();
    if (unavailable.isPresent() && "true".equals(System.getenv("CI"))) {
      fail("CI must run the batch-script tests, but " + unavailable.get());
    }
    assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.get());
    // As in a real deployment, the directories above the store and the jobs are open to all:
    // only the store's and each job's own permissions keep a script out.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    data = dir.resolve("data");
    jobsDir = dir.resolve("jobs");
    backend = JobsBackend.start(AcquireServer.builder().dataDirectory(data)
        .option("compute.work-directory", jobsDir.toString()), "ada", "batch");
    server = backend.server();
    ada = backend.user();
    account = backend.account();
    inputs = backend.inputs();
  }

  @AfterAll
  static void stop() {
    if (backend != null) {
      backend.close();
    }
  }

  private static Job submit(String name, String script, Duration maxRuntime, String... others) throws IOException {
    inputs.upload(Files.writeString(dir.resolve(name), script), "scripts/" + name);
    JobSpec spec = JobSpec.workload("batch-script").input(inputs, "scripts/" + name);
    for (String other : others) {
      spec.input(inputs, other);
    }
    return Job.quote(ada, spec.cores(1).memoryMib(256).maxRuntime(maxRuntime).paidBy(account)).submit();
  }

  private static String read(Drive drive, String path) {
    return new String(drive.read(path, 1 << 20).orElseThrow(() -> new AssertionError(path + " is not on the drive")),
        StandardCharsets.UTF_8);
  }

  @Test
  void thePriceListOffersBatchScripts() {
    assertTrue(Job.prices(ada).offers().stream().map(Offer::workload).anyMatch("batch-script"::equals));
  }

  @Test
  void aScriptCannotReadItsTicketTheStoreOrAnotherJob() throws Exception {
    Job other = submit("other.sh", "echo secret > mine.txt\nsleep 120\n", Duration.ofMinutes(3));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (other.status() != JobStatus.RUNNING || !Files.exists(jobsDir.resolve(other.id()).resolve("batch"))) {
      if (System.nanoTime() > deadline) {
        fail("the other job did not start: " + other.refresh());
      }
      Thread.sleep(100);
    }
    inputs.upload(Files.writeString(dir.resolve("table.csv"), "x,y\n1,2\n"), "scripts/data/table.csv");
    String script = """
        try() { if eval "$2" >/dev/null 2>&1; then echo "$1: READ"; else echo "$1: denied"; fi; }
        try ticket 'cat ../../ticket.json'
        try work 'ls ../..'
        try inputs 'ls ../../inputs'
        try store 'ls %1$s'
        try keys 'cat %1$s/objects/keys/*/signing'
        try jobs 'ls %2$s/*/inputs'
        try other 'ls %2$s/%3$s'
        try others-ticket 'cat %2$s/%3$s/ticket.json'
        try others-files 'cat %2$s/%3$s/batch/job/mine.txt'
        cat data/table.csv
        echo "uid $(id -u)"
        wc -l < data/table.csv > "$ACQUIRE_OUTPUT/lines.txt"
        ln -s ../../ticket.json "$ACQUIRE_OUTPUT/ticket-link.json"
        """.formatted(data.toAbsolutePath(), jobsDir.toAbsolutePath(), other.id());
    Job job = submit("probe.sh", script, Duration.ofMinutes(2), "scripts/data/table.csv");
    assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(90)), job.message().orElse(""));
    String stdout = read(job.outputs(), "stdout.txt");
    other.cancel();
    for (String place : List.of("ticket", "work", "inputs", "store", "keys", "jobs", "other", "others-ticket",
        "others-files")) {
      assertTrue(stdout.contains(place + ": denied"), place + " must be closed to the script: " + stdout);
    }
    assertFalse(stdout.contains("READ"), stdout);
    assertTrue(stdout.contains("x,y\n1,2\n"), "the other inputs lie beside the script: " + stdout);
    assertFalse(stdout.contains("uid 0\n"), stdout);
    assertEquals("2\n", read(job.outputs(), "lines.txt"), "files under $ACQUIRE_OUTPUT are kept");
    List<String> files = job.outputs().files().stream().map(FileVersion::path).toList();
    assertFalse(files.contains("ticket-link.json"), "links are never followed out of the private directory: " + files);
    assertEquals(JobStatus.CANCELLED, other.waitFor(Duration.ofSeconds(60)));
  }

  @Test
  void aFailingScriptEndsFailedIsChargedForItsTimeAndItsOutputReachesTheDrive() throws Exception {
    Money before = account.balance();
    Job job = submit("fails.sh", "echo computing\nsleep 1\necho 'out of cheese' >&2\nexit 1\n", Duration.ofMinutes(2));
    assertEquals(JobStatus.FAILED, job.waitFor(Duration.ofSeconds(90)));
    assertTrue(job.message().orElseThrow().contains("the script exited with code 1"), job.message().orElseThrow());
    Money cost = job.cost().orElseThrow();
    assertTrue(cost.isPositive() && cost.compareTo(job.price()) <= 0, cost + " vs quote " + job.price());
    assertEquals(before.minus(cost), account.balance(), "charged for the time it ran, the rest released");
    assertEquals("computing\n", read(job.outputs(), "stdout.txt"));
    assertEquals("out of cheese\n", read(job.outputs(), "stderr.txt"));
  }

  @Test
  void stdoutStreamsWhileTheScriptRunsAndCancelEndsItsBackgroundProcesses() throws Exception {
    Job job = submit("slow.sh", "sleep 600 &\nfor i in $(seq 1 600); do echo \"tick $i\"; sleep 0.2; done\n",
        Duration.ofMinutes(5));
    Drive outputs = job.outputs();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (outputs.read("stdout/00000001.txt", 1 << 16).isEmpty()) {
      if (System.nanoTime() > deadline) {
        fail("no stdout part within 60 s: " + job.refresh());
      }
      Thread.sleep(100);
    }
    assertEquals(JobStatus.RUNNING, job.status(), "the first part arrived while the script ran");
    String firstPart = read(outputs, "stdout/00000001.txt");
    assertTrue(firstPart.startsWith("tick 1\n"), firstPart);
    job.cancel();
    assertEquals(JobStatus.CANCELLED, job.waitFor(Duration.ofSeconds(60)));
    assertTrue(job.cost().orElseThrow().compareTo(job.price()) < 0, job.toString());
    assertTrue(read(outputs, "stdout.txt").startsWith(firstPart), "what it wrote before the cancel was kept");
    try (var processes = ProcessHandle.allProcesses()) {
      assertTrue(processes.noneMatch(p -> p.info().commandLine().orElse("").contains("sleep 600")),
          "the script's background process was killed with it");
    }
  }
}
