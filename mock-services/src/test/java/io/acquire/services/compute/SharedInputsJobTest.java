package io.acquire.services.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Account;
import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobSpec;
import io.acquire.client.JobStatus;
import io.acquire.client.Money;
import io.acquire.client.NotFoundException;
import io.acquire.client.PermissionException;
import io.acquire.client.Role;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.JobsBackend;
import io.acquire.services.testing.RealLogins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job reads its inputs from a drive shared with its owner, as far as the sharing goes. */
class SharedInputsJobTest {
  @TempDir
  Path dir;

  @Test
  void aJobRunsOnInputsInAFolderSharedWithItsOwnerAndNothingOutsideIt() throws Exception {
    try (JobsBackend backend = JobsBackend.start(AcquireServer.builder().store(new MemoryObjectStore()), "ada", "lab");
         User bob = RealLogins.loggedIn(backend.server().url(), "bob")) {
      Account forBob = backend.account().delegate("bob", Money.of("20.00", "GBP"), Money.of("10.00", "GBP"));
      Drive adas = Drive.open(backend.user(), "protocols");
      Path ramp = Files.writeString(dir.resolve("short.json"), ComputeServiceTest.SHORT_RAMP);
      adas.upload(ramp, "shared/short.json");
      adas.upload(ramp, "private/short.json");
      adas.share("bob", Role.READER, "shared");

      Drive asBobSeesIt = Drive.sharedWithMe(bob).stream().filter(d -> d.id().equals(adas.id())).findFirst()
          .orElseThrow();
      JobSpec spec = JobSpec.workload("md-equilibrate").input(asBobSeesIt, "shared/short.json").cores(1)
          .memoryMib(512).maxRuntime(Duration.ofMinutes(2)).paidBy(forBob);
      Job job = Job.quote(bob, spec).submit();
      assertEquals(JobStatus.COMPLETED, job.waitFor(Duration.ofSeconds(120)), job.message().orElse(""));
      assertTrue(job.outputs().files().size() > 0, "the job wrote its outputs");

      JobSpec outside = JobSpec.workload("md-equilibrate").input(asBobSeesIt, "private/short.json").cores(1)
          .memoryMib(512).maxRuntime(Duration.ofMinutes(2)).paidBy(forBob);
      PermissionException refused = assertThrows(PermissionException.class, () -> Job.quote(bob, outside));
      assertTrue(refused.getMessage().contains("private/short.json"), refused.getMessage());

      adas.unshare("bob");
      assertThrows(NotFoundException.class, () -> Job.quote(bob, spec), "once unshared, the drive is gone for Bob");
    }
  }
}
