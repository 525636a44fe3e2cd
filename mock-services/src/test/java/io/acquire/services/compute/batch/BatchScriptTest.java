package io.acquire.services.compute.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch workload run as a job runner runs it, in a work directory with inputs/ and out/. */
class BatchScriptTest {
  @TempDir
  Path work;

  private int run(String script) throws Exception {
    Path input = Files.createDirectories(work.resolve("inputs/scripts")).resolve("run.sh");
    Files.writeString(input, script);
    return BatchScript.run("--input", input.toString(), "--output", work.resolve("out").toString());
  }

  @Test
  void anEmptyOrBinaryScriptIsRefusedAsBadInput() throws Exception {
    assertEquals(2, run(""));
    assertEquals(2, run("echo hi\u0000\u0001"));
    assertEquals(2, BatchScript.run("--input", work.resolve("missing.sh").toString(), "--output",
        work.resolve("out").toString()));
    assertTrue(Files.notExists(work.resolve("out/stdout.txt")), "nothing ran");
  }

  @Test
  void theScriptsExitCodeDecidesAndItsStreamsAndOutputsAreKept() throws Exception {
    assertEquals(1, run("echo partial > \"$ACQUIRE_OUTPUT/part.txt\"; echo before; echo oops >&2; exit 7"));
    assertEquals("before\n", Files.readString(work.resolve("out/stdout.txt")));
    assertEquals("oops\n", Files.readString(work.resolve("out/stderr.txt")));
    assertEquals("partial\n", Files.readString(work.resolve("out/part.txt")), "a failed script's files are kept");
    assertTrue(Files.notExists(work.resolve("batch")), "the private directory is removed");
  }

  @Test
  void asRootTheScriptRunsAsAUidOfItsOwn() throws Exception {
    assumeTrue(BatchScript.isRoot(), "needs root to switch users");
    assertEquals(0, run("id -u; id -G"));
    String[] ids = Files.readString(work.resolve("out/stdout.txt")).split("\n");
    int uid = Integer.parseInt(ids[0]);
    assertTrue(uid >= Uids.FIRST && uid < Uids.FIRST + Uids.COUNT, "uid " + uid);
    assertEquals(ids[0], ids[1], "no groups but its own");
    assertTrue(Uids.processesOf(uid).isEmpty(), "nothing of it is left running");
  }

  @Test
  void twoRunningJobsNeverShareAUid() throws Exception {
    assumeTrue(BatchScript.isRoot(), "claims live in a root-only directory");
    Uids.Claim first = Uids.claim("job_same_name");
    Uids.Claim second = Uids.claim("job_same_name");
    try {
      assertNotEquals(first.uid(), second.uid());
    } finally {
      first.release();
      second.release();
    }
    Uids.Claim again = Uids.claim("job_same_name");
    again.release();
    assertEquals(first.uid(), again.uid(), "a released uid is used again");
  }
}
