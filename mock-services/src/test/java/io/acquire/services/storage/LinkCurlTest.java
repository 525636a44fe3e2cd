package io.acquire.services.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.Drive;
import io.acquire.client.Link;
import io.acquire.client.User;
import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import io.acquire.services.testing.MutableClock;
import io.acquire.services.testing.RealLogins;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real curl binary, with no account, downloads through a read link (whole, and a byte
 * range across a chunk boundary), uploads through a write link, and is refused once the
 * link is revoked or expired.
 */
class LinkCurlTest {
  private static final Path CURL = Path.of("/usr/bin/curl");
  private final MutableClock clock = MutableClock.ofNow();
  private final AcquireServer server = AcquireServer.builder().store(new MemoryObjectStore()).port(0).clock(clock)
      .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();

  @TempDir
  Path dir;

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void curlDownloadsARangeUploadsAndIsRefusedAfterRevocationAndExpiry() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CURL), "skipped: " + CURL + " is missing (apt-get install curl)");
    User ada = RealLogins.loggedIn(server.url(), "ada");
    Drive drive = Drive.open(ada, "data");
    byte[] bytes = new byte[9 * 1024 * 1024 + 123]; // two chunks of the drive
    new Random(11).nextBytes(bytes);
    Path original = Files.write(dir.resolve("original.bin"), bytes);
    drive.upload(original, "results/trajectory.bin");

    Link read = drive.link("results/trajectory.bin").read().expiresIn(Duration.ofHours(1)).create();
    Path downloads = Files.createDirectories(dir.resolve("downloads"));
    assertEquals("200", curl(downloads, "-sS", "-w", "%{http_code}", "-O", read.url()));
    assertArrayEquals(bytes, Files.readAllBytes(downloads.resolve("trajectory.bin")), "curl -O saves it by name");

    int from = 8 * 1024 * 1024 - 10;
    assertEquals("206", curl(downloads, "-sS", "-w", "%{http_code}", "-r", from + "-" + (from + 19), "-o", "part",
        read.url()));
    assertArrayEquals(Arrays.copyOfRange(bytes, from, from + 20), Files.readAllBytes(downloads.resolve("part")),
        "the range spans the chunk boundary");

    Link write = drive.link("incoming").write().expiresIn(Duration.ofSeconds(60)).create();
    Path upload = Files.writeString(dir.resolve("measured.csv"), "t,T\n0,300\n");
    assertEquals("201", curl(dir, "-sS", "-w", "%{http_code}", "-o", "/dev/null", "-T", upload.toString(),
        write.url()));
    assertEquals("t,T\n0,300\n", new String(drive.read("incoming/measured.csv", 100).orElseThrow(),
        StandardCharsets.UTF_8), "curl -T to the folder's URL names the file after the local one");

    read.revoke();
    assertEquals("404", curl(downloads, "-sS", "-w", "%{http_code}", "-o", "refused", read.url()));
    assertTrue(Files.readString(downloads.resolve("refused")).contains("expired, revoked or used up"));

    // Past the link's minute, and within the 300 s that signed requests (the check below) allow.
    clock.advance(Duration.ofSeconds(61));
    assertEquals("404", curl(dir, "-sS", "-w", "%{http_code}", "-o", "/dev/null", "-T", upload.toString(),
        write.url()));
    assertEquals(1, drive.versions("incoming/measured.csv").size(), "nothing was written after expiry");
  }

  /** Runs curl in {@code directory} and returns what it printed (here, the HTTP status). */
  private static String curl(Path directory, String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(CURL.toString(), "--max-time", "30"));
    command.addAll(List.of(arguments));
    Process process = new ProcessBuilder(command).directory(directory.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(40, TimeUnit.SECONDS), "curl finished");
    return out.strip();
  }
}
