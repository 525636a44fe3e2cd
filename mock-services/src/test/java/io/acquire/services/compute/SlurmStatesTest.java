package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.json;
import static io.acquire.services.compute.ComputeFixture.request;
import static io.acquire.services.compute.ComputeFixture.submit;
import static io.acquire.services.compute.ComputeFixture.waitForEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.compute.ComputeFixture.Person;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.testing.TestSessions.Reply;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How each of Slurm's endings maps to a job's status and charge, including the ones a
 * one-node test cluster cannot produce on demand (node failure, out of memory, an
 * administrator's cancel, a controller that does not answer, a job Slurm has forgotten).
 * Slurm's tools are stood in for by small shell scripts ({@code compute.slurm-bin}) that
 * print the states this test writes, in squeue's format; everything else is the real backend.
 */
class SlurmStatesTest {
  @TempDir
  Path dir;
  Path bin;
  ComputeFixture compute;
  Person ada;
  final Map<String, String> states = new LinkedHashMap<>();
  Map<String, String> options;

  @BeforeEach
  void start() throws IOException {
    bin = Files.createDirectory(dir.resolve("bin"));
    script("sbatch", """
        d=$(dirname "$0")
        if [ -f "$d/sbatch.fail" ]; then cat "$d/sbatch.fail" >&2; exit 1; fi
        n=$(cat "$d/next" 2>/dev/null || echo 100); echo $((n + 1)) > "$d/next"
        echo "$n" >> "$d/submitted"
        echo "$n"
        """);
    script("squeue", """
        d=$(dirname "$0")
        if [ -f "$d/down" ]; then echo "squeue: error: Unable to contact slurm controller (connect failure)" >&2; exit 1; fi
        case "$*" in *" -n "*) exit 0;; esac
        # One read of the states, which the test replaces while this runs: two reads could see a
        # job in neither (absent from the first, present in the second), as if Slurm forgot it.
        states=$(cat "$d/states" 2>/dev/null)
        printf '%s\\n' "$states" | grep -v -e '|GONE$' -e '^$'
        for id in $(cat "$d/submitted" 2>/dev/null); do
          printf '%s\\n' "$states" | grep -q "^$id|" || echo "$id|PENDING|N/A|N/A|"
        done
        """);
    script("scancel", """
        echo "$@" >> "$(dirname "$0")/cancelled"
        """);
    options = Map.of("compute.resources", "standard",
        "compute.slurm-bin", bin.toString(), "compute.slurm-poll-millis", "100",
        "compute.slurm-completion-log", dir.resolve("jobcomp.log").toString(),
        "compute.work-directory", dir.resolve("jobs").toString(), "compute.job-lease-seconds", "2");
    compute = new ComputeFixture(Clock.systemUTC(), options);
    ada = compute.person("ada");
  }

  @AfterEach
  void stop() {
    compute.close();
  }

  void script(String name, String body) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
  }

  /** Sets what squeue says of Slurm job {@code batchJob}; null removes it (Slurm forgot it). */
  void slurmSays(String batchJob, String state, LocalDateTime start, LocalDateTime end) throws IOException {
    if (state == null) {
      states.put(batchJob, batchJob + "|GONE");
    } else {
      states.put(batchJob, batchJob + "|" + state + "|" + (start == null ? "N/A" : start) + "|"
          + (end == null ? "N/A" : end) + "|");
    }
    Path next = bin.resolve("states.next");
    StringBuilder text = new StringBuilder();
    states.values().forEach(line -> text.append(line).append('\n'));
    Files.writeString(next, text);
    Files.move(next, bin.resolve("states"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static LocalDateTime utc(int secondsFromNow) {
    return LocalDateTime.now(ZoneOffset.UTC).plusSeconds(secondsFromNow).truncatedTo(ChronoUnit.SECONDS);
  }

  /** Submits a job and waits until it is in (fake) Slurm; returns {job id, Slurm id}. */
  String[] submitted() {
    Reply quoted = ComputeFixture.quote(ada.session(), request(ada, "md/short.json"));
    assertEquals(201, quoted.status(), quoted.body());
    Reply reply = submit(ada.session(), json(quoted).get("id").asText());
    assertEquals(201, reply.status(), reply.body());
    String id = json(reply).get("id").asText();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (true) {
      String batchJob = new Jobs(new JsonObjects(compute.store)).get(id).orElseThrow().batchJob();
      if (batchJob != null) {
        return new String[] {id, batchJob};
      }
      if (System.nanoTime() > deadline) {
        fail("job " + id + " was not submitted");
      }
      SlurmExecutorTest.sleep(50);
    }
  }

  JsonNode runningThenEnded(String state) throws IOException {
    String[] job = submitted();
    LocalDateTime start = utc(-30);
    slurmSays(job[1], "RUNNING", start, utc(3600));
    waitForStatus(job[0], "running");
    slurmSays(job[1], state, start, start.plusSeconds(30));
    return waitForEnd(ada.session(), job[0], java.time.Duration.ofSeconds(20));
  }

  void waitForStatus(String id, String status) {
    waitForStatus(id, status, java.time.Duration.ofSeconds(20));
  }

  void waitForStatus(String id, String status, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ComputeFixture.job(ada.session(), id).get("status").asText().equals(status)) {
      assertTrue(System.nanoTime() < deadline, "job " + id + " never " + status);
      SlurmExecutorTest.sleep(50);
    }
  }

  static BigDecimal cost(JsonNode job) {
    return new BigDecimal(job.get("cost").get("amount").asText());
  }

  @Test
  void aNodeFailureIsThePlatformsAndChargesNothing() throws IOException {
    JsonNode job = runningThenEnded("NODE_FAIL");
    assertEquals("failed", job.get("status").asText(), job.toString());
    assertTrue(job.get("message").asText().startsWith("Slurm ended it as NODE_FAIL"), job.toString());
    assertEquals(0, cost(job).signum(), job.toString());
  }

  @Test
  void runningOutOfMemoryIsTheJobsAndChargesTheTimeItRan() throws IOException {
    JsonNode job = runningThenEnded("OUT_OF_MEMORY");
    assertEquals("failed", job.get("status").asText(), job.toString());
    assertEquals("it ran out of memory: it asked for 512 MiB", job.get("message").asText());
    assertTrue(cost(job).signum() > 0, job.toString());
    assertTrue(cost(job).compareTo(new BigDecimal(job.get("price").get("amount").asText())) <= 0, job.toString());
    assertEquals(30, java.time.Duration.between(java.time.Instant.parse(job.get("startedAt").asText()),
        java.time.Instant.parse(job.get("endedAt").asText())).toSeconds(), "Slurm's start and end times");
  }

  @Test
  void aCancelInSlurmNotThroughAcquireChargesNothing() throws IOException {
    JsonNode job = runningThenEnded("CANCELLED");
    assertEquals("failed", job.get("status").asText(), job.toString());
    assertEquals("cancelled in Slurm, not through Acquire; nothing was charged", job.get("message").asText());
    assertEquals(0, cost(job).signum());
  }

  @Test
  void aCancelWhilePendingRunsScancelAndChargesNothing() throws IOException {
    String[] job = submitted();
    Reply cancelled = ada.session().send("POST", "/t/compute/jobs/" + job[0] + "/cancel", null);
    assertEquals(200, cancelled.status(), cancelled.body());
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!Files.exists(bin.resolve("cancelled"))) {
      assertTrue(System.nanoTime() < deadline, "scancel was not run");
      SlurmExecutorTest.sleep(50);
    }
    assertEquals(job[1], Files.readString(bin.resolve("cancelled")).strip());
    slurmSays(job[1], "CANCELLED", utc(0), utc(0));
    JsonNode ended = waitForEnd(ada.session(), job[0], java.time.Duration.ofSeconds(20));
    assertEquals("cancelled", ended.get("status").asText(), ended.toString());
    assertEquals("cancelled before it started", ended.get("message").asText());
    assertEquals(0, cost(ended).signum());
  }

  @Test
  void aControllerThatDoesNotAnswerChangesNothingUntilItDoes() throws IOException {
    String[] job = submitted();
    slurmSays(job[1], "RUNNING", utc(-5), utc(3600));
    waitForStatus(job[0], "running");
    Files.writeString(bin.resolve("down"), "");
    slurmSays(job[1], null, null, null); // were it asked, Slurm would seem to have forgotten the job
    SlurmExecutorTest.sleep(1000);
    assertEquals("running", ComputeFixture.job(ada.session(), job[0]).get("status").asText(),
        "no answer is not an ending");
    slurmSays(job[1], "RUNNING", utc(-5), utc(3600));
    Files.delete(bin.resolve("down"));
    SlurmExecutorTest.sleep(500);
    assertEquals("running", ComputeFixture.job(ada.session(), job[0]).get("status").asText());
  }

  @Test
  void aJobSlurmHasForgottenEndsAsItsCompletionLogAndTheRunnersNotesSay() throws IOException {
    String[] job = submitted();
    LocalDateTime startUtc = utc(-20);
    slurmSays(job[1], "RUNNING", startUtc, utc(3600));
    waitForStatus(job[0], "running");
    // It completed; the runner left its notes; then Slurm forgot it (past MinJobAge) and
    // logged it in the completion log, in the controller's zone.
    Path work = dir.resolve("jobs").resolve(job[0]);
    Files.writeString(work.resolve(JobRunner.WORKLOAD_EXIT), "0");
    Files.writeString(work.resolve(SlurmExecutor.RUNNER_EXIT), "0");
    ZoneId zone = ZoneId.systemDefault();
    LocalDateTime start = LocalDateTime.ofInstant(startUtc.toInstant(ZoneOffset.UTC), zone);
    Files.writeString(dir.resolve("jobcomp.log"), "JobId=" + job[1] + " UserId=root(0) GroupId=root(0) Name="
        + job[0] + " JobState=COMPLETED Partition=standard TimeLimit=11 StartTime=" + start + " EndTime="
        + start.plusSeconds(12) + " NodeList=localhost ExitCode=0:0\n");
    slurmSays(job[1], null, null, null);
    JsonNode ended = waitForEnd(ada.session(), job[0], java.time.Duration.ofSeconds(20));
    assertEquals("completed", ended.get("status").asText(), ended.toString());
    assertTrue(cost(ended).signum() > 0, ended.toString());
    assertEquals(12, java.time.Duration.between(java.time.Instant.parse(ended.get("startedAt").asText()),
        java.time.Instant.parse(ended.get("endedAt").asText())).toSeconds(), "charged from the log's times");
  }

  @Test
  void aJobForgottenWithoutACompletionLogEndsAsTheRunnersNoteSaysAtItsTime() throws IOException {
    String[] job = submitted();
    LocalDateTime startUtc = utc(-20);
    slurmSays(job[1], "RUNNING", startUtc, utc(3600));
    waitForStatus(job[0], "running");
    Path work = dir.resolve("jobs").resolve(job[0]);
    Files.writeString(work.resolve(JobRunner.WORKLOAD_EXIT), "0");
    Path note = Files.writeString(work.resolve(SlurmExecutor.RUNNER_EXIT), "0");
    java.time.Instant ended = startUtc.toInstant(ZoneOffset.UTC).plusSeconds(9);
    Files.setLastModifiedTime(note, java.nio.file.attribute.FileTime.from(ended));
    slurmSays(job[1], null, null, null);
    JsonNode done = waitForEnd(ada.session(), job[0], java.time.Duration.ofSeconds(20));
    assertEquals("completed", done.get("status").asText(), done.toString());
    assertEquals(ended, java.time.Instant.parse(done.get("endedAt").asText()), "ended when the runner noted it");
    assertTrue(cost(done).signum() > 0, done.toString());
  }

  @Test
  void aJobNoRecordOfSlurmKnowsEndsAsThePlatformsFailure() throws IOException {
    String[] job = submitted();
    slurmSays(job[1], "RUNNING", utc(-5), utc(3600));
    waitForStatus(job[0], "running");
    slurmSays(job[1], null, null, null);
    JsonNode ended = waitForEnd(ada.session(), job[0], java.time.Duration.ofSeconds(20));
    assertEquals("failed", ended.get("status").asText(), ended.toString());
    assertTrue(ended.get("message").asText().startsWith("Slurm no longer knows job " + job[1]), ended.toString());
    assertEquals(0, cost(ended).signum());
  }

  @Test
  void aJobSlurmRefusesEndsFailedSayingWhyAndChargesNothing() throws IOException {
    Files.writeString(bin.resolve("sbatch.fail"), "sbatch: error: Batch job submission failed: Invalid partition "
        + "name specified\n");
    Reply quoted = ComputeFixture.quote(ada.session(), request(ada, "md/short.json"));
    Reply reply = submit(ada.session(), json(quoted).get("id").asText());
    assertEquals(201, reply.status(), reply.body());
    JsonNode job = waitForEnd(ada.session(), json(reply).get("id").asText(), java.time.Duration.ofSeconds(20));
    assertEquals("failed", job.get("status").asText(), job.toString());
    assertEquals("Slurm refused the job (sbatch: error: Batch job submission failed: Invalid partition name "
        + "specified); nothing was charged", job.get("message").asText());
    assertEquals(0, cost(job).signum());
    JsonNode account = json(ada.session().send("GET", "/t/accounting/accounts/" + ada.account(), null));
    assertEquals(0, account.get("holds").size(), account.toString());
  }

  /** The notes a runner leaves in the work directory when it and its workload exit 0. */
  void ranToTheEnd(String jobId) throws IOException {
    Path work = dir.resolve("jobs").resolve(jobId);
    Files.writeString(work.resolve(JobRunner.WORKLOAD_EXIT), "0");
    Files.writeString(work.resolve(SlurmExecutor.RUNNER_EXIT), "0");
  }

  String holder(String jobId) {
    return new Jobs(new JsonObjects(compute.store)).get(jobId).orElseThrow().executor();
  }

  /** Waits until the job's record names a holder other than {@code not}; returns it. */
  String heldByOtherThan(String jobId, String not, java.time.Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (java.util.Objects.equals(holder(jobId), not)) {
      assertTrue(System.nanoTime() < deadline, "job " + jobId + " is still held by " + not);
      SlurmExecutorTest.sleep(50);
    }
    return holder(jobId);
  }

  @Test
  void aJobWhoseHolderFellSilentIsTakenOverAfterALeaseAndChargedOnce() throws IOException {
    String[] job = submitted();
    LocalDateTime start = utc(-10);
    slurmSays(job[1], "RUNNING", start, utc(3600));
    waitForStatus(job[0], "running", java.time.Duration.ofSeconds(60)); // slack for a loaded machine
    String me = holder(job[0]);
    // As if another process had taken the job and then died: its object stays, never rewritten.
    compute.store.put("compute/instances/compute-gone", "1 2026-01-01T00:00:00Z".getBytes(StandardCharsets.UTF_8));
    new Jobs(new JsonObjects(compute.store)).update(job[0], j -> j.heldBy("compute-gone"));
    long marked = System.nanoTime();

    assertEquals(me, heldByOtherThan(job[0], "compute-gone", java.time.Duration.ofSeconds(20)),
        "this process took it back");
    assertTrue(System.nanoTime() - marked >= 2_000_000_000L, "not before a whole lease of silence");
    ranToTheEnd(job[0]);
    slurmSays(job[1], "COMPLETED", start, start.plusSeconds(20));
    JsonNode ended = waitForEnd(ada.session(), job[0], java.time.Duration.ofSeconds(20));
    assertEquals("completed", ended.get("status").asText(), ended.toString());
    assertTrue(cost(ended).signum() > 0, ended.toString());
    JsonNode account = json(ada.session().send("GET", "/t/accounting/accounts/" + ada.account(), null));
    assertEquals(0, account.get("holds").size(), account.toString());
    assertEquals(new BigDecimal("100.00").subtract(cost(ended)),
        new BigDecimal(account.get("balance").get("amount").asText()), "charged once: " + account);
  }

  @Test
  void aSecondProcessLeavesALiveHoldersJobAloneAndTakesItWhenTheHolderStopsAndReleasesIt() throws IOException {
    String[] job = submitted();
    String first = holder(job[0]);
    ComputeFixture other = new ComputeFixture(compute.store, Clock.systemUTC(), options, compute.sessions);
    try {
      LocalDateTime start = utc(-10);
      slurmSays(job[1], "RUNNING", start, utc(3600));
      waitForStatus(job[0], "running", java.time.Duration.ofSeconds(60)); // two backends in one loaded JVM
      SlurmExecutorTest.sleep(3000); // a lease and a half, with two looks by the other process
      assertEquals(first, holder(job[0]), "the live holder keeps its job");

      compute.close(); // stops cleanly: its lease is released, not left to lapse
      compute = other;
      assertTrue(other.store.get("compute/instances/" + first).isEmpty(), "the stopped process deleted its object");
      String second = heldByOtherThan(job[0], first, java.time.Duration.ofSeconds(20));
      assertTrue(second.startsWith("compute-"), second);
      ranToTheEnd(job[0]);
      slurmSays(job[1], "COMPLETED", start, start.plusSeconds(20));
      JsonNode ended = waitForEnd(ada.session().at(other.server.url()), job[0], java.time.Duration.ofSeconds(20));
      assertEquals("completed", ended.get("status").asText(), ended.toString());
      assertTrue(cost(ended).signum() > 0, ended.toString());
    } finally {
      if (compute != other) {
        other.close();
      }
    }
  }
}
