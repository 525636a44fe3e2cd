package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.account;
import static io.acquire.services.compute.ComputeFixture.assertRefused;
import static io.acquire.services.compute.ComputeFixture.cancelledJob;
import static io.acquire.services.compute.ComputeFixture.job;
import static io.acquire.services.compute.ComputeFixture.json;
import static io.acquire.services.compute.ComputeFixture.quote;
import static io.acquire.services.compute.ComputeFixture.quoteId;
import static io.acquire.services.compute.ComputeFixture.request;
import static io.acquire.services.compute.ComputeFixture.submit;
import static io.acquire.services.compute.ComputeFixture.waitForEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.compute.ComputeFixture.Person;
import io.acquire.services.compute.ComputeFixture.Snapshot;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.TestSessions.Reply;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compute refuses every bad request with a 4xx whose JSON message says what was wrong,
 * and a refusal changes nothing: no quote or job, no hold, no money moved, no drive.
 */
class ComputeRefusalsTest {
  static ComputeFixture compute;
  /** Quotes valid for 60 s, on a clock the tests move, and prices no demo account can pay. */
  static ComputeFixture strict;
  static MutableClock clock;

  @BeforeAll
  static void start() {
    compute = new ComputeFixture(Clock.systemUTC(), Map.of());
    clock = MutableClock.ofNow();
    strict = new ComputeFixture(clock, Map.of("compute.quote-validity-seconds", "60",
        "compute.price-per-core-hour", "100000"));
  }

  @AfterAll
  static void stop() {
    compute.close();
    strict.close();
  }

  /** Sends a quote request changed by {@code change}; asserts the refusal and that nothing changed. */
  private static void assertQuoteRefused(Consumer<Map<String, Object>> change, int status, String fragment) {
    Person ada = compute.person("ada");
    Map<String, Object> request = request(ada, "md/short.json");
    change.accept(request);
    Snapshot before = compute.snapshot(ada);
    assertRefused(quote(ada.session(), request), status, fragment);
    assertEquals(before, compute.snapshot(ada), "a refused quote changes nothing");
  }

  @Test
  void anUnknownWorkloadIsRefusedWithTheCatalog() {
    assertQuoteRefused(r -> r.put("workload", "md-nonsense"), 400,
        "Unknown workload 'md-nonsense'; the price list offers md-equilibrate");
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
      "cores, 0, Field 'cores' must be 1 to 2",
      "cores, 3, Field 'cores' must be 1 to 2",
      "memoryMib, 255, Field 'memoryMib' must be 256 to 4096",
      "memoryMib, 4097, Field 'memoryMib' must be 256 to 4096",
      "maxRuntimeSeconds, 0, Field 'maxRuntimeSeconds' must be 1 to 86400",
      "maxRuntimeSeconds, 86401, Field 'maxRuntimeSeconds' must be 1 to 86400"})
  void resourcesOutsideThePriceListAreRefusedNamingTheLimit(String field, long value, String fragment) {
    assertQuoteRefused(r -> r.put(field, value), 400, fragment);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 2})
  void theWrongNumberOfInputsIsRefused(int count) {
    assertQuoteRefused(r -> r.put("inputs", java.util.Collections.nCopies(count, "md/short.json")), 400,
        "Workload md-equilibrate takes 1 input file(s); the request names " + count + ".");
  }

  @Test
  void anInputFileMissingFromTheDriveIsNotFound() {
    assertQuoteRefused(r -> r.put("inputs", List.of("md/missing.json")), 404, "No file md/missing.json in drive inputs");
  }

  static Stream<Arguments> pathsThatLeaveTheDrive() {
    return Stream.of(
        Arguments.of("../md/short.json", "must not contain '..'"),
        Arguments.of("md/../../short.json", "must not contain '..'"),
        Arguments.of("/md/short.json", "must be relative to the drive"),
        Arguments.of("md/short.json\0.txt", "control character"),
        Arguments.of("md\\short.json", "backslash"));
  }

  @ParameterizedTest
  @MethodSource("pathsThatLeaveTheDrive")
  void inputPathsThatCouldLeaveTheDriveAreRefused(String path, String fragment) {
    assertQuoteRefused(r -> r.put("inputs", List.of(path)), 400, fragment);
  }

  @Test
  void someoneElsesDriveIsNotFound() {
    Person bob = compute.person("bob");
    assertQuoteRefused(r -> r.put("inputDrive", bob.drive()), 404, "You have no drive " + bob.drive());
  }

  @Test
  void someoneElsesAccountIsNotFound() {
    Person bob = compute.person("bob");
    assertQuoteRefused(r -> r.put("account", bob.account()), 404, "You have no account " + bob.account());
  }

  /** A person named "acquire", like the operator, owns only their own accounts, never the operator's or anyone else's. */
  @Test
  void aUserNamedLikeTheLedgerCannotPayWithSomeoneElsesAccount() {
    Person bob = compute.person("bob");
    Person acquire = compute.personNamed("acquire");
    Snapshot before = compute.snapshot(bob);
    Map<String, Object> request = request(acquire, "md/short.json");
    request.put("account", bob.account());
    assertRefused(quote(acquire.session(), request), 404, "You have no account " + bob.account());
    assertRefused(acquire.session().send("GET", "/t/accounting/accounts/" + bob.account(), null), 404,
        "You have no account");
    assertRefused(acquire.session().send("GET", "/t/accounting/accounts/acct_funding", null), 404,
        "You have no account");
    assertEquals(before, compute.snapshot(bob));
  }

  @Test
  void anUnknownAccountIsNotFound() {
    assertQuoteRefused(r -> r.put("account", "acct_nosuchaccount"), 404, "You have no account acct_nosuchaccount");
  }

  @ParameterizedTest
  @ValueSource(strings = {"workload", "inputDrive", "inputs", "cores", "memoryMib", "maxRuntimeSeconds", "account"})
  void aMissingFieldIsRefusedByName(String field) {
    assertQuoteRefused(r -> r.remove(field), 400, "'" + field + "'");
  }

  static Stream<Arguments> malformedBodies() {
    return Stream.of(
        Arguments.of("{\"workload\": ", "not valid JSON (line 1", "not valid JSON (line 1"),
        Arguments.of("[1, 2]", "Field '(root)' has the wrong type", "Field '(root)' has the wrong type"),
        Arguments.of("{\"cores\": \"many\"}", "Field 'cores' has the wrong type", "Field 'quote' is required"),
        Arguments.of("{\"quote\": [1]}", "Field 'cores' has the wrong type", "Field 'quote' has the wrong type"),
        Arguments.of("null", "send a JSON object", "send a JSON object"),
        Arguments.of("", "Request body is empty", "Request body is empty"));
  }

  @ParameterizedTest
  @MethodSource("malformedBodies")
  void aMalformedBodyIsRefused(String body, String quoteFragment, String submitFragment) {
    Person ada = compute.person("ada");
    Snapshot before = compute.snapshot(ada);
    assertRefused(ada.session().send("POST", "/t/compute/quotes", body), 400, quoteFragment);
    assertRefused(ada.session().send("POST", "/t/compute/jobs", body), 400, submitFragment);
    assertEquals(before, compute.snapshot(ada));
  }

  // Quotes ---------------------------------------------------------------------------------

  @Test
  void aQuoteUsedAfterItsDeadlineIsAConflict() {
    Person ada = strict.person("ada");
    String quote = quoteId(ada, "md/short.json");
    clock.advance(Duration.ofSeconds(61));
    Snapshot before = strict.snapshot(ada);
    assertRefused(submit(ada.session(), quote), 409, "expired");
    assertRefused(submit(ada.session(), quote), 409, "ask for a new quote");
    assertEquals(before, strict.snapshot(ada), "an expired quote holds nothing and starts nothing");
  }

  @Test
  void someoneElsesQuoteIsNotFound() {
    Person ada = compute.person("ada");
    Person bob = compute.person("bob");
    String quote = quoteId(ada, "md/short.json");
    Snapshot adaBefore = compute.snapshot(ada);
    Snapshot bobBefore = compute.snapshot(bob);
    assertRefused(submit(bob.session(), quote), 404, "You have no quote " + quote);
    assertEquals(adaBefore, compute.snapshot(ada));
    assertEquals(bobBefore, compute.snapshot(bob));
  }

  @ParameterizedTest
  @ValueSource(strings = {"quote_0123456789abcdef", "quote_../../keys/compute/signing", "job_abc"})
  void anUnknownQuoteIsNotFound(String quote) {
    Person ada = compute.person("ada");
    Snapshot before = compute.snapshot(ada);
    assertRefused(submit(ada.session(), quote), 404, "You have no quote");
    assertEquals(before, compute.snapshot(ada));
  }

  // Money ----------------------------------------------------------------------------------

  @Test
  void submittingBeyondTheBalanceNeedsPaymentAndHoldsNothing() {
    Person ada = strict.person("ada");
    String quote = quoteId(ada, "md/short.json");
    Snapshot before = strict.snapshot(ada);
    assertRefused(submit(ada.session(), quote), 402, "available; cannot hold");
    assertEquals(before, strict.snapshot(ada));
    assertEquals(0, account(ada).get("holds").size());
    assertEquals("100.00", account(ada).get("balance").get("amount").asText());
    assertEquals(0, json(ada.session().send("GET", "/t/compute/jobs", null)).get("jobs").size());
  }

  @Test
  void submittingBeyondTheDailyCapNeedsPaymentAndHoldsNothing() {
    Person ada = compute.person("ada");
    Reply limited = ada.session().send("PUT", "/t/accounting/accounts/" + ada.account() + "/limits",
        "{\"dailyCap\":{\"amount\":\"0.10\",\"currency\":\"GBP\"}}");
    assertEquals(200, limited.status(), limited.body());
    String quote = quoteId(ada, "md/short.json");
    Snapshot before = compute.snapshot(ada);
    assertRefused(submit(ada.session(), quote), 402, "would pass the daily cap of 0.10 GBP");
    assertEquals(before, compute.snapshot(ada));
    assertEquals(0, account(ada).get("holds").size());
    assertEquals(0, json(ada.session().send("GET", "/t/compute/jobs", null)).get("jobs").size());
  }

  // Jobs -----------------------------------------------------------------------------------

  @Test
  void cancellingAFinishedJobIsAConflictAndOthersCannotSeeOrCancelIt() {
    Person ada = compute.person("ada");
    Person bob = compute.person("bob");
    JsonNode job = cancelledJob(ada);
    String id = job.get("id").asText();
    Snapshot adaBefore = compute.snapshot(ada);
    Snapshot bobBefore = compute.snapshot(bob);

    assertRefused(ada.session().send("POST", "/t/compute/jobs/" + id + "/cancel", null), 409,
        "Job " + id + " has already ended (cancelled)");
    assertRefused(bob.session().send("GET", "/t/compute/jobs/" + id, null), 404, "You have no job " + id);
    assertRefused(bob.session().send("POST", "/t/compute/jobs/" + id + "/cancel", null), 404, "You have no job " + id);
    assertRefused(bob.session().send("GET", "/t/compute/jobs/job_0123abc", null), 404, "You have no job job_0123abc");
    assertEquals(adaBefore, compute.snapshot(ada));
    assertEquals(bobBefore, compute.snapshot(bob));
    assertEquals(job, job(ada.session(), id));
  }

  @Test
  void theSameQuoteSubmittedFromEightThreadsMakesOneJobAndOneHold() throws Exception {
    Person ada = compute.person("ada");
    String quote = quoteId(ada, "md/short.json");
    ExecutorService threads = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Reply>> replies = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        replies.add(threads.submit(() -> {
          go.await();
          return submit(ada.session(), quote);
        }));
      }
      go.countDown();
      List<String> ids = new ArrayList<>();
      int created = 0;
      for (Future<Reply> future : replies) {
        Reply reply = future.get();
        assertTrue(reply.status() == 201 || reply.status() == 200, reply.body());
        created += reply.status() == 201 ? 1 : 0;
        ids.add(json(reply).get("id").asText());
      }
      assertEquals(1, created, "exactly one submission creates the job");
      assertEquals(1, ids.stream().distinct().count(), "every submission answers with the same job: " + ids);
      // Cancelled at once so that, usually, no process starts; the submissions are what is tested.
      Reply cancelled = ada.session().send("POST", "/t/compute/jobs/" + ids.get(0) + "/cancel", null);
      assertEquals(200, cancelled.status(), cancelled.body());
      waitForEnd(ada.session(), ids.get(0), Duration.ofSeconds(60));
      assertEquals(1, json(ada.session().send("GET", "/t/compute/jobs", null)).get("jobs").size());
      JsonNode statement = json(ada.session().send("GET", "/t/accounting/accounts/" + ada.account() + "/statement",
          null));
      long holds = 0;
      for (JsonNode line : statement.get("lines")) {
        holds += line.get("kind").asText().equals("hold") ? 1 : 0;
      }
      assertEquals(1, holds, "one hold: " + statement);
      assertEquals(2, json(ada.session().send("GET", "/t/storage/drives", null)).get("drives").size(),
          "the inputs drive and one output drive");
    } finally {
      threads.shutdownNow();
    }
  }
}
