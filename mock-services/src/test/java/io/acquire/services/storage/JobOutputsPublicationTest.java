package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.NotFoundException;
import io.acquire.client.Publication;
import io.acquire.client.SignedCalls;
import io.acquire.client.wire.PublicationWire.PublicationInfo;
import io.acquire.client.wire.PublicationWire.Publish;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.JobsBackend;
import io.acquire.services.testing.RealLogins;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The brief's own words: {@code job.outputs().publish(title, creators, description)}, on a job that really ran. */
class JobOutputsPublicationTest {
  private static final String SHORT_RUN = "{\"system\":{\"cellsPerSide\":3,\"density\":1.374,\"cutoffSigmas\":2.5},"
      + "\"protocol\":{\"runtime\":1,\"timestep\":5,\"startTemperature\":60,\"endTemperature\":120,"
      + "\"reportInterval\":0.05,\"seed\":7}}";

  @Test
  void aFinishedJobsOutputsArePublishedByItsOwnerAndByNobodyElse() throws Exception {
    try (JobsBackend backend = JobsBackend.start(AcquireServer.builder().store(new MemoryObjectStore()), "ada",
        "simulations")) {
      backend.inputs().write("md/short.json", SHORT_RUN.getBytes(StandardCharsets.UTF_8));
      Job job = Job.quote(backend.user(), JobSpec.workload("md-equilibrate").input(backend.inputs(), "md/short.json")
          .cores(1).memoryMib(512).maxRuntime(Duration.ofMinutes(2)).paidBy(backend.account())).submit();
      assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(90)), job.message().orElse(""));

      Drive outputs = job.outputs();
      assertTrue(outputs.isReadOnly());
      Publication publication = outputs.publish("Argon from 60 K to 120 K", List.of("Lovelace, Ada"),
          "One picosecond of equilibration.");
      List<String> paths = publication.files().stream().map(Publication.File::path).toList();
      assertEquals(outputs.files().stream().map(f -> f.path()).toList(), paths, "every output file, by its path");
      assertTrue(paths.contains("job.log"), paths.toString());

      Publication.File log = publication.files().get(paths.indexOf("job.log"));
      try (Response response = new OkHttpClient().newCall(new Request.Builder().url(log.url().toString()).build())
          .execute()) {
        assertEquals(200, response.code());
        byte[] expected = outputs.read("job.log", 1 << 20).orElseThrow();
        assertArrayEquals(expected, response.body().bytes(), "anyone downloads the frozen job.log");
      }

      var bob = RealLogins.loggedIn(backend.server().url(), "bob");
      assertThrows(NotFoundException.class, () -> SignedCalls.to(bob, "storage").post("/publications",
          new Publish(outputs.id(), "", "Not mine", List.of("Bob"), ""), PublicationInfo.class,
          io.acquire.client.internal.Transport.Safety.UNSAFE));
      bob.close();
    }
  }
}
