package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.json;
import static io.acquire.services.compute.ComputeFixture.request;
import static io.acquire.services.compute.ComputeFixture.submit;
import static io.acquire.services.compute.ComputeFixture.waitForEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.compute.ComputeFixture.Person;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.SlurmCluster;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs on a real one-node Slurm cluster (scripts/slurm-cluster.sh): submitted with sbatch,
 * followed with squeue, stopped with scancel, and taken back by a backend that restarts.
 */
class SlurmExecutorTest {
  @TempDir
  Path work;
  SlurmCluster slurm;
  ComputeFixture compute;
  Person ada;

  @BeforeEach
  void start() {
    slurm = SlurmCluster.get();
    compute = new ComputeFixture(new MemoryObjectStore(), Clock.systemUTC(), options());
    ada = compute.person("ada");
    compute.put(ada.drive(), "md/endless.json", ComputeServiceTest.ENDLESS);
  }

  @AfterEach
  void stop() {
    if (compute != null) {
      compute.close();
    }
  }

  Map<String, String> options() {
    Map<String, String> options = new HashMap<>(slurm.computeOptions());
    options.put("compute.work-directory", work.resolve("jobs").toString());
    return options;
  }

  /** Quotes and submits {@code input}; returns the job as submitted. */
  JsonNode run(Session session, Person person, String input, long maxRuntimeSeconds) {
    Map<String, Object> request = request(person, input);
    request.put("maxRuntimeSeconds", maxRuntimeSeconds);
    Reply quoted = ComputeFixture.quote(session, request);
    assertEquals(201, quoted.status(), quoted.body());
    Reply submitted = submit(session, json(quoted).get("id").asText());
    assertEquals(201, submitted.status(), submitted.body());
    return json(submitted);
  }

  JsonNode waitFor(Session session, String jobId, Predicate<JsonNode> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode job = ComputeFixture.job(session, jobId);
      if (condition.test(job)) {
        return job;
      }
      if (System.nanoTime() > deadline) {
        fail("job " + jobId + " did not get there within " + timeout + ": " + job);
      }
      sleep(100);
    }
  }

  /** The output drive's files under {@code prefix}, as the owner lists them. */
  static List<String> files(Session session, String drive, String prefix) {
    Reply reply = session.send("GET", "/t/storage/drives/" + drive + "/files?prefix=" + prefix, null);
    assertEquals(200, reply.status(), reply.body());
    List<String> paths = new ArrayList<>();
    json(reply).get("files").forEach(f -> paths.add(f.get("path").asText()));
    return paths;
  }

  static BigDecimal amount(JsonNode money) {
    return new BigDecimal(money.get("amount").asText());
  }

  static void assertChargedAtMostItsQuote(JsonNode job) {
    assertTrue(amount(job.get("cost")).compareTo(amount(job.get("price"))) <= 0, job.toString());
  }

  JobRecord record(String id) {
    return new Jobs(new io.acquire.services.store.JsonObjects(compute.store)).get(id).orElseThrow();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aQuotePicksTheCheapestPartitionThatFitsAndSaysWhy() {
    Reply reply = ComputeFixture.quote(ada.session(), request(ada, "md/short.json"));
    assertEquals(201, reply.status(), reply.body());
    JsonNode quote = json(reply);
    assertEquals("standard", quote.get("job").get("resource").asText(), quote.toString());
    assertTrue(quote.get("reason").asText().startsWith("the cheapest of 2 resources that fit 1 core, 512 MiB and 600 s"),
        quote.toString());

    Map<String, Object> named = request(ada, "md/short.json");
    named.put("resource", "fast");
    JsonNode fast = json(ComputeFixture.quote(ada.session(), named));
    assertEquals("fast", fast.get("job").get("resource").asText(), fast.toString());
    assertEquals("named in the request", fast.get("reason").asText());
    assertTrue(amount(fast.get("price")).compareTo(amount(quote.get("price"))) > 0, "fast costs more: " + fast);

    named.put("resource", "gpu");
    ComputeFixture.assertRefused(ComputeFixture.quote(ada.session(), named), 400,
        "Unknown resource 'gpu'; the price list offers standard, fast.");
  }

  @Test
  void mdJobCompletesOnSlurmStreamingRecordsAndIsChargedAtMostItsQuote() throws Exception {
    JsonNode submitted = run(ada.session(), ada, "md/short.json", 120);
    String id = submitted.get("id").asText();
    assertEquals("queued", submitted.get("status").asText());

    JsonNode job = waitForEnd(ada.session(), id, Duration.ofSeconds(120));
    assertEquals("completed", job.get("status").asText(), job.toString());
    assertEquals("standard", job.get("job").get("resource").asText());
    assertTrue(amount(job.get("cost")).signum() > 0, job.toString());
    assertChargedAtMostItsQuote(job);
    assertNotNull(job.get("startedAt"), job.toString());

    JobRecord record = record(id);
    assertNotNull(record.batchJob(), "Slurm's job id is in the record");
    String state = slurm.run("squeue", "-h", "-t", "all", "-j", record.batchJob(), "-o", "%T %j %P").strip();
    assertEquals("COMPLETED " + id + " standard", state, "Slurm ran it under the job's name on its partition");

    List<String> outputs = files(ada.session(), job.get("outputDrive").asText(), "");
    assertTrue(outputs.contains("records.csv") && outputs.contains("job.log"), outputs.toString());
    assertTrue(outputs.stream().anyMatch(p -> p.startsWith("records/")), "records went in parts: " + outputs);
    assertEquals("rwx--x--x", PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("jobs"))),
        "the work directory cannot be listed by others");
    assertTrue(!Files.exists(work.resolve("jobs").resolve(id)), "its work directory (and ticket) is gone");
  }

  @Test
  void cancellingARunningSlurmJobStopsItAndChargesTheTimeItRan() {
    JsonNode submitted = run(ada.session(), ada, "md/endless.json", 600);
    String id = submitted.get("id").asText();
    String drive = submitted.get("outputDrive").asText();
    waitFor(ada.session(), id, j -> j.get("status").asText().equals("running"), Duration.ofSeconds(60));
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (files(ada.session(), drive, "records/").isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "records stream while it runs");
      sleep(100);
    }

    Reply cancelled = ada.session().send("POST", "/t/compute/jobs/" + id + "/cancel", null);
    assertEquals(200, cancelled.status(), cancelled.body());
    JsonNode job = waitForEnd(ada.session(), id, Duration.ofSeconds(60));
    assertEquals("cancelled", job.get("status").asText(), job.toString());
    assertTrue(amount(job.get("cost")).signum() > 0, "the time it ran is charged: " + job);
    assertChargedAtMostItsQuote(job);
    JobRecord record = record(id);
    assertEquals("CANCELLED", slurm.run("squeue", "-h", "-t", "all", "-j", record.batchJob(), "-o", "%T").strip());
    assertTrue(files(ada.session(), drive, "").contains("job.log"), "the runner sent what it had before leaving");
  }

  @Test
  void aSlurmJobPastItsMaximumRunTimeIsStoppedWithinSecondsNotSlurmsWholeMinute() {
    long started = System.nanoTime();
    JsonNode submitted = run(ada.session(), ada, "md/endless.json", 4);
    JsonNode job = waitForEnd(ada.session(), submitted.get("id").asText(), Duration.ofSeconds(50));
    assertEquals("timed_out", job.get("status").asText(), job.toString());
    assertEquals("stopped at its maximum run time of 4 s", job.get("message").asText());
    assertChargedAtMostItsQuote(job);
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 50, "well before Slurm's limit");
  }

  @Test
  void aFailingWorkloadOnSlurmEndsFailedWithItsReason() {
    JsonNode submitted = run(ada.session(), ada, "md/bad.json", 120);
    JsonNode job = waitForEnd(ada.session(), submitted.get("id").asText(), Duration.ofSeconds(60));
    assertEquals("failed", job.get("status").asText(), job.toString());
    assertEquals(2, job.get("exitCode").asInt(), job.toString());
    assertTrue(job.get("message").asText().startsWith("the workload refused its input"), job.toString());
    assertChargedAtMostItsQuote(job);
  }

  @Test
  void aBackendThatRestartsTakesBackItsSlurmJobAndChargesItOnce() {
    // Records are sent only at the end, so the runner needs no backend while none is up.
    compute.close();
    Map<String, String> options = options();
    options.put("compute.flush-millis", "60000");
    compute = new ComputeFixture(compute.store, Clock.systemUTC(), options, compute.sessions);
    Session first = ada.session().at(compute.server.url());
    JsonNode submitted = run(first, ada, "md/endless.json", 15);
    String id = submitted.get("id").asText();
    waitFor(first, id, j -> j.get("status").asText().equals("running"), Duration.ofSeconds(60));
    Path started = work.resolve("jobs").resolve(id).resolve("workload.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(started)) { // the runner has fetched its input and started the workload
      assertTrue(System.nanoTime() < deadline, "the workload did not start");
      sleep(100);
    }
    int port = java.net.URI.create(compute.server.url()).getPort();
    compute.close(); // the backend stops; the Slurm job runs on
    ComputeFixture stopped = compute;
    compute = null;
    slurm.restartDaemons(); // and Slurm's own daemons restart under it

    compute = new ComputeFixture(stopped.store, Clock.systemUTC(), options, stopped.sessions, port);
    Session there = ada.session().at(compute.server.url());
    JsonNode job = waitForEnd(there, id, Duration.ofSeconds(90));
    assertEquals("timed_out", job.get("status").asText(), "the new backend followed it to its time limit: " + job);
    assertTrue(amount(job.get("cost")).signum() > 0, job.toString());
    assertChargedAtMostItsQuote(job);
    List<String> kinds = new ArrayList<>();
    json(there.send("GET", "/t/accounting/accounts/" + ada.account() + "/statement", null)).get("lines")
        .forEach(line -> kinds.add(line.get("kind").asText()));
    assertEquals(1, kinds.stream().filter(k -> k.equals("capture")).count(), "charged once: " + kinds);
    JsonNode account = json(there.send("GET", "/t/accounting/accounts/" + ada.account(), null));
    assertEquals(0, account.get("holds").size(), account.toString());
    assertTrue(files(there, job.get("outputDrive").asText(), "").contains("records.csv"), "its outputs arrived");
  }

  @Test
  void anEndingWhileNoBackendWatchedIsFoundByTheNextOne() {
    compute.close();
    Map<String, String> options = options();
    options.put("compute.flush-millis", "60000");
    compute = new ComputeFixture(compute.store, Clock.systemUTC(), options, compute.sessions);
    Session first = ada.session().at(compute.server.url());
    String id = run(first, ada, "md/short.json", 120).get("id").asText();
    Path started = work.resolve("jobs").resolve(id).resolve("workload.log");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.exists(started)) {
      assertTrue(System.nanoTime() < deadline, "the workload did not start");
      sleep(100);
    }
    String batchJob = record(id).batchJob();
    ComputeFixture stopped = compute;
    compute.close(); // no backend: the runner cannot send its outputs, and the job ends unseen
    compute = null;
    deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!List.of("COMPLETED", "FAILED").contains(
        slurm.run("squeue", "-h", "-t", "all", "-j", batchJob, "-o", "%T").strip())) {
      assertTrue(System.nanoTime() < deadline, "Slurm did not end job " + batchJob);
      sleep(200);
    }

    compute = new ComputeFixture(stopped.store, Clock.systemUTC(), options, stopped.sessions);
    Session there = ada.session().at(compute.server.url());
    JsonNode job = waitForEnd(there, id, Duration.ofSeconds(30));
    assertEquals("failed", job.get("status").asText(), job.toString());
    assertTrue(job.get("message").asText().startsWith("the job runner failed"), job.toString());
    assertEquals("0.00", job.get("cost").get("amount").asText(), "the platform failed it: nothing charged");
    JsonNode account = json(there.send("GET", "/t/accounting/accounts/" + ada.account(), null));
    assertEquals(0, account.get("holds").size(), account.toString());
    assertEquals("100.00", account.get("balance").get("amount").asText(), account.toString());
  }
}
