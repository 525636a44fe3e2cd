package io.acquire.services.compute.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Unix user ids for batch scripts, one per running job on this machine, so that no script
 * can read, signal or trace another's processes or files. They come from a range no
 * account uses and need no entry in /etc/passwd; a job claims one with a file in a
 * root-only directory (under a lock, so concurrent runners never share one) and releases
 * it when it ends. A claim whose runner died is taken over after its uid's processes are
 * killed.
 */
final class Uids {
  /** Far above the ids of accounts (1000–59999), nobody (65534) and the usual container ranges (100000+65536·n). */
  static final int FIRST = 1_500_000_000;
  static final int COUNT = 4096;

  private Uids() {}

  /** A uid this job alone uses until {@link #release()}. */
  record Claim(int uid, Path file) {
    /** Kills every process running as this uid, including ones the script left in the background. */
    void killAll() {
      for (int round = 0; round < 50; round++) {
        List<Long> pids = processesOf(uid);
        if (pids.isEmpty()) {
          return;
        }
        try {
          // kill(-1) as the uid reaches every process of that uid at once, even ones forked a moment ago.
          Process kill = new ProcessBuilder(BatchScript.SETPRIV, "--reuid=" + uid, "--regid=" + uid,
              "--clear-groups", "/bin/kill", "-s", "KILL", "--", "-1").redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
          kill.waitFor();
          for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
          }
          Thread.sleep(20);
        } catch (IOException e) {
          pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      System.err.println(BatchScript.NAME + ": processes of uid " + uid + " survived 50 rounds of SIGKILL");
    }

    void release() {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        System.err.println(BatchScript.NAME + ": could not release uid " + uid + ": " + e.getMessage());
      }
    }
  }

  static Claim claim(String jobName) throws IOException {
    Path dir = claimsDirectory();
    try (FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
      int start = Math.floorMod(jobName.hashCode(), COUNT);
      for (int i = 0; i < COUNT; i++) {
        int uid = FIRST + (start + i) % COUNT;
        Path file = dir.resolve(Integer.toString(uid));
        if (Files.exists(file)) {
          long owner = parsePid(file);
          if (owner > 0 && ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
            continue;
          }
          new Claim(uid, file).killAll(); // left by a runner that died: nothing of its job may live on
          Files.delete(file);
        } else if (!processesOf(uid).isEmpty()) {
          new Claim(uid, file).killAll();
        }
        Files.writeString(file, Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII,
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new Claim(uid, file);
      }
    }
    throw new IOException("all " + COUNT + " batch uids are in use on this machine");
  }

  private static long parsePid(Path file) {
    try {
      return Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** /run/acquire-batch-uids when /run is writable (cleared at boot, like the claims' processes), else under the temp dir. */
  private static Path claimsDirectory() throws IOException {
    Path run = Path.of("/run");
    Path dir = Files.isDirectory(run) && Files.isWritable(run) ? run.resolve("acquire-batch-uids")
        : Path.of(System.getProperty("java.io.tmpdir"), "acquire-batch-uids");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    return dir;
  }

  /** Processes whose real or effective uid is {@code uid}, from /proc. */
  static List<Long> processesOf(int uid) {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
      for (Path entry : entries.toList()) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          for (String line : Files.readAllLines(entry.resolve("status"))) {
            if (line.startsWith("Uid:")) {
              String[] ids = line.substring(4).strip().split("\\s+");
              if (ids[0].equals(Integer.toString(uid)) || ids[1].equals(Integer.toString(uid))) {
                pids.add(Long.parseLong(name));
              }
              break;
            }
          }
        } catch (IOException | UncheckedIOException e) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return pids;
  }
}
