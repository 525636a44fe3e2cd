package io.acquire.services.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.wire.Json;
import io.acquire.services.AcquireServer;
import io.acquire.services.storage.Drives;
import io.acquire.services.storage.Drives.DriveRecord;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.store.ObjectStore;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend with accounting, storage and compute on a free port, spoken to with raw
 * signed requests (so bodies can be as wrong as a test likes). There is no identity
 * service: {@link TestSessions} stands in for it. Input files are put on drives in
 * process, which is set-up, not what these tests are about.
 */
final class ComputeFixture implements AutoCloseable {
  /** Refused by the workload at once (exit 2), so a job that uses it ends within seconds. */
  static final String BAD_INPUT = "{\"system\":5}";
  private static final AtomicInteger USERS = new AtomicInteger();
  private static final Set<String> FINAL = Set.of("completed", "failed", "cancelled", "timed_out");

  final ObjectStore store;
  final AcquireServer server;
  final TestSessions sessions;
  final Drives drives;

  /** A person with an account holding the demo credit and a drive "inputs" with md/short.json and md/bad.json. */
  record Person(Session session, String account, String drive) {
    String name() {
      return session.username();
    }
  }

  /** Everything a refused request must leave as it was, as the person sees it and as the store holds it. */
  record Snapshot(String account, String jobs, String drives, List<String> keys) {}

  ComputeFixture(Clock clock, Map<String, String> options) {
    this(new MemoryObjectStore(), clock, options);
  }

  ComputeFixture(ObjectStore store, Clock clock, Map<String, String> options) {
    this(store, clock, options, null);
  }

  /** Another backend process on {@code store}, trusting the sessions of {@code sessions} (null: a fresh stand-in). */
  ComputeFixture(ObjectStore store, Clock clock, Map<String, String> options, TestSessions sessions) {
    this(store, clock, options, sessions, 0);
  }

  /** As above, listening on {@code port} (0: a free one), e.g. the port of a backend that stopped. */
  ComputeFixture(ObjectStore store, Clock clock, Map<String, String> options, TestSessions sessions, int port) {
    this.store = store;
    AcquireServer.Builder builder = AcquireServer.builder().store(store).port(port).clock(clock)
        .services(List.of("registry", "accounting", "storage", "compute")).option("compute.cores", "2");
    options.forEach(builder::option);
    this.server = builder.start();
    this.sessions = sessions != null ? sessions : new TestSessions(store, server.url());
    this.drives = new Drives(new JsonObjects(store), clock);
  }

  Person person(String prefix) {
    return personNamed(prefix + "-" + USERS.incrementAndGet());
  }

  Person personNamed(String username) {
    Session session = sessions.login(username);
    Reply created = session.send("POST", "/t/accounting/accounts", "{\"name\":\"main\"}");
    assertEquals(201, created.status(), created.body());
    DriveRecord drive = drives.open(session.username(), "inputs");
    put(drive.id(), "md/short.json", ComputeServiceTest.SHORT_RAMP);
    put(drive.id(), "md/bad.json", BAD_INPUT);
    return new Person(session, json(created).get("id").asText(), drive.id());
  }

  void put(String driveId, String path, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      drives.write(drives.get(driveId).orElseThrow(), path, new ByteArrayInputStream(bytes), bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A valid request for {@code input} on the person's drive; tests change or remove fields. */
  static Map<String, Object> request(Person person, String input) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("workload", "md-equilibrate");
    request.put("inputDrive", person.drive());
    request.put("inputs", List.of(input));
    request.put("cores", 1);
    request.put("memoryMib", 512);
    request.put("maxRuntimeSeconds", 600);
    request.put("account", person.account());
    return request;
  }

  static Reply quote(Session session, Map<String, Object> request) {
    return session.send("POST", "/t/compute/quotes", Json.writeString(request));
  }

  /** A quote for {@code input}; fails the test unless it was given. */
  static String quoteId(Person person, String input) {
    Reply reply = quote(person.session(), request(person, input));
    assertEquals(201, reply.status(), reply.body());
    return json(reply).get("id").asText();
  }

  static Reply submit(Session session, String quoteId) {
    return session.send("POST", "/t/compute/jobs", "{\"quote\":\"" + quoteId + "\"}");
  }

  static JsonNode job(Session session, String jobId) {
    Reply reply = session.send("GET", "/t/compute/jobs/" + jobId, null);
    assertEquals(200, reply.status(), reply.body());
    return json(reply);
  }

  /** Polls until the job has ended and returns it. */
  static JsonNode waitForEnd(Session session, String jobId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode job = job(session, jobId);
      if (FINAL.contains(job.get("status").asText())) {
        return job;
      }
      if (System.nanoTime() > deadline) {
        fail("job " + jobId + " did not end within " + timeout + ": " + job);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  /** Submits a job and cancels it at once, which usually ends it before a process starts; returns it once ended. */
  static JsonNode cancelledJob(Person person) {
    Reply submitted = submit(person.session(), quoteId(person, "md/short.json"));
    assertEquals(201, submitted.status(), submitted.body());
    String id = json(submitted).get("id").asText();
    Reply cancelled = person.session().send("POST", "/t/compute/jobs/" + id + "/cancel", null);
    assertEquals(200, cancelled.status(), cancelled.body());
    return waitForEnd(person.session(), id, Duration.ofSeconds(60));
  }

  /** Runs a job that ends at once (its input is refused by the workload) and returns it once ended. */
  static JsonNode finishedJob(Person person) {
    Reply submitted = submit(person.session(), quoteId(person, "md/bad.json"));
    assertEquals(201, submitted.status(), submitted.body());
    return waitForEnd(person.session(), json(submitted).get("id").asText(), Duration.ofSeconds(60));
  }

  static JsonNode account(Person person) {
    Reply reply = person.session().send("GET", "/t/accounting/accounts/" + person.account(), null);
    assertEquals(200, reply.status(), reply.body());
    return json(reply);
  }

  Snapshot snapshot(Person person) {
    Session session = person.session();
    Reply jobs = session.send("GET", "/t/compute/jobs", null);
    Reply drives = session.send("GET", "/t/storage/drives", null);
    assertEquals(200, jobs.status(), jobs.body());
    assertEquals(200, drives.status(), drives.body());
    // Used nonces are what every signed request adds, refused or not. A hold the ledger
    // refused leaves its id claimed (accounting/holds/), so that retrying with the same
    // key finds it; it holds and moves nothing, which the account view shows.
    List<String> keys = store.list("").stream()
        .filter(k -> !k.startsWith("sessions/") && !k.startsWith("accounting/holds/")).toList();
    return new Snapshot(account(person).toString(), jobs.body(), drives.body(), keys);
  }

  static JsonNode json(Reply reply) {
    try {
      return Json.mapper().readTree(reply.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + reply.body(), e);
    }
  }

  /** The reply is a JSON error with {@code status} whose message contains {@code fragment}. */
  static void assertRefused(Reply reply, int status, String fragment) {
    assertEquals(status, reply.status(), reply.body());
    JsonNode body = json(reply);
    assertEquals(status, body.get("status").asInt(), reply.body());
    String message = body.get("message").asText();
    assertTrue(message.contains(fragment), "expected '" + fragment + "' in the message: " + message);
  }

  @Override
  public void close() {
    server.close();
  }
}
