package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.json;
import static io.acquire.services.compute.ComputeFixture.quoteId;
import static io.acquire.services.compute.ComputeFixture.submit;
import static io.acquire.services.compute.ComputeFixture.waitForEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.compute.ComputeFixture.Person;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.TestSessions;
import io.acquire.services.testing.TestSessions.Reply;
import io.acquire.services.testing.TestSessions.Session;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend process that stops leaves its jobs unfinished in the store. Any other process
 * on the store ends them once their executor has not been heard from for 60 s: failed,
 * their hold voided, nothing charged.
 */
class ComputeRecoveryTest {
  /** A stopped process leaves its jobs' work directories (and their tickets) behind; keep them here. */
  @TempDir
  Path work;

  @Test
  void aJobWhoseBackendStoppedEndsFailedWithItsHoldVoidedAndNothingCharged() throws InterruptedException {
    MemoryObjectStore store = new MemoryObjectStore();
    MutableClock clock = MutableClock.ofNow();
    TestSessions sessions;
    Person ada;
    String jobId;
    try (ComputeFixture first = new ComputeFixture(store, clock, Map.of("compute.work-directory", work.toString()))) {
      sessions = first.sessions;
      ada = first.person("ada");
      Reply submitted = submit(ada.session(), quoteId(ada, "md/short.json"));
      assertEquals(201, submitted.status(), submitted.body());
      jobId = json(submitted).get("id").asText();
      assertEquals(1, ComputeFixture.account(ada).get("holds").size());
    } // the process stops with the job queued or just started; its executor never reports an ending

    clock.advance(Duration.ofSeconds(30));
    try (ComputeFixture second = new ComputeFixture(store, clock, Map.of(), sessions)) {
      Session there = ada.session().at(second.server.url());
      Thread.sleep(300); // recovery runs when a compute service starts
      String status = ComputeFixture.job(there, jobId).get("status").asText();
      assertTrue(Set.of("queued", "running").contains(status), "not given up after 30 s: " + status);
    }

    clock.advance(Duration.ofSeconds(31));
    try (ComputeFixture third = new ComputeFixture(store, clock, Map.of(), sessions)) {
      Session there = ada.session().at(third.server.url());
      JsonNode job = waitForEnd(there, jobId, Duration.ofSeconds(10));
      assertEquals("failed", job.get("status").asText(), job.toString());
      assertEquals("the backend running it stopped; nothing was charged", job.get("message").asText());
      assertEquals("0.00", job.get("cost").get("amount").asText());

      JsonNode account = json(there.send("GET", "/t/accounting/accounts/" + ada.account(), null));
      assertEquals("100.00", account.get("balance").get("amount").asText(), account.toString());
      assertEquals("100.00", account.get("available").get("amount").asText(), account.toString());
      assertEquals(0, account.get("holds").size(), account.toString());
      List<String> kinds = new ArrayList<>();
      json(there.send("GET", "/t/accounting/accounts/" + ada.account() + "/statement", null)).get("lines")
          .forEach(line -> kinds.add(line.get("kind").asText()));
      assertEquals(List.of("open", "credit", "hold", "release"), kinds, "held, then released; never captured");
      assertFalse(store.list("compute/active/").contains("compute/active/" + jobId), "no longer active");
    }
  }
}
