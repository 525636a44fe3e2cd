package io.acquire.services.compute;

import static io.acquire.services.compute.ComputeFixture.json;
import static io.acquire.services.compute.ComputeFixture.quoteId;
import static io.acquire.services.compute.ComputeFixture.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.acquire.services.compute.ComputeFixture.Person;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the platform fails a job (its runner cannot even start), the user pays nothing. */
class RunnerFailureTest {
  @Test
  void aRunnerThatFailsBeforeItsWorkloadRunsChargesNothing() {
    try (ComputeFixture fixture = new ComputeFixture(Clock.systemUTC(),
        Map.of("compute.runner-classpath", "/nonexistent/classes"))) {
      Person ada = fixture.person("ada");
      String balance = ComputeFixture.account(ada).get("balance").get("amount").asText();
      String jobId = json(submit(ada.session(), quoteId(ada, "md/short.json"))).get("id").asText();
      JsonNode job = ComputeFixture.waitForEnd(ada.session(), jobId, Duration.ofSeconds(60));
      assertEquals("failed", job.get("status").asText(), job.toString());
      assertTrue(job.get("message").asText().contains("the job runner failed"), job.toString());
      assertEquals("0.00", job.get("cost").get("amount").asText());
      JsonNode account = ComputeFixture.account(ada);
      assertEquals(balance, account.get("balance").get("amount").asText(), "nothing charged");
      assertEquals(0, account.get("holds").size(), "the hold was released");
    }
  }
}
