package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.json;
import static io.acquire.services.compute.ComputeFixture.quoteId;
import static io.acquire.services.compute.ComputeFixture.submit;
import static io.acquire.services.compute.ComputeFixture.waitForEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.client.wire.RequestSignature;
import io.acquire.services.compute.ComputeFixture.Person;
import io.acquire.services.store.StoredObject;
import io.acquire.services.testing.ForwardingStore;
import io.acquire.services.testing.TestSessions.Reply;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A cancel can land at any moment of a job's start; it always ends the job, and nothing is charged. */
class ComputeCancelTest {
  /**
   * A store that, once, lets the executor read a job as it was and then runs a hook before
   * the executor goes on: here the owner's cancel, landing between the executor's look at
   * the queue and its start of the job.
   */
  static final class InterleavingStore extends ForwardingStore {
    final AtomicReference<Runnable> onExecutorRead = new AtomicReference<>();

    @Override
    public Optional<StoredObject> get(String key) {
      Optional<StoredObject> value = super.get(key);
      if (key.startsWith("compute/jobs/") && Thread.currentThread().getName().equals("compute-executor")) {
        Runnable hook = onExecutorRead.getAndSet(null);
        if (hook != null) {
          hook.run();
        }
      }
      return value;
    }
  }


  @Test
  void aCancelThatLandsWhileTheJobStartsEndsItCancelled() {
    InterleavingStore store = new InterleavingStore();
    try (ComputeFixture compute = new ComputeFixture(store, Clock.systemUTC(), Map.of())) {
      Person ada = compute.person("ada");
      String quote = quoteId(ada, "md/short.json");
      AtomicReference<Reply> cancelled = new AtomicReference<>();
      String jobId = "job_" + RequestSignature.sha256Hex(quote.getBytes(StandardCharsets.UTF_8)).substring(0, 24);
      store.onExecutorRead.set(() -> cancelled.set(
          ada.session().send("POST", "/t/compute/jobs/" + jobId + "/cancel", null)));

      Reply submitted = submit(ada.session(), quote);
      assertEquals(201, submitted.status(), submitted.body());
      JsonNode job = waitForEnd(ada.session(), jobId, Duration.ofSeconds(10));
      assertEquals(200, cancelled.get().status(), "the cancel landed: " + cancelled.get());
      assertEquals("cancelled", job.get("status").asText(), job.toString());
      assertEquals("cancelled before it started", job.get("message").asText());
      assertEquals("0.00", job.get("cost").get("amount").asText());
      JsonNode account = json(ada.session().send("GET", "/t/accounting/accounts/" + ada.account(), null));
      assertEquals("100.00", account.get("available").get("amount").asText(), account.toString());
    }
  }
}
