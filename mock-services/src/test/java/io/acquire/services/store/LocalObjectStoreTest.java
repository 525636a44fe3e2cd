package io.acquire.services.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest extends ObjectStoreContract {
  @TempDir
  Path directory;

  @Override
  protected ObjectStore open() {
    return LocalObjectStore.open(directory);
  }

  @Test
  void objectsSurviveReopening() {
    String version = store.put("keep/me", bytes("durable"));
    store.close();
    store = LocalObjectStore.open(directory);
    assertEquals(version, store.get("keep/me").orElseThrow().version());
    assertArrayEquals(bytes("durable"), store.get("keep/me").orElseThrow().data());
  }

  @Test
  void twoProcessesIncrementingOneCounterLoseNothing() throws Exception {
    store.put("counter", bytes("0"));
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      processes.add(java(StoreWorker.class, "increment", directory.toString(), "150"));
    }
    for (Process process : processes) {
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), "worker did not finish");
      assertEquals(0, process.exitValue(), new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals("300", new String(store.get("counter").orElseThrow().data(), StandardCharsets.UTF_8));
  }

  @Test
  void aProcessKilledMidWriteNeverLeavesATornObject() throws Exception {
    for (int round = 0; round < 4; round++) {
      Process writer = java(StoreWorker.class, "churn", directory.toString(), Long.toString(round));
      // Wait until the writer has really started writing, then kill it at a random moment.
      String ready = new String(writer.getInputStream().readNBytes(6), StandardCharsets.US_ASCII);
      assertEquals("ready\n", ready);
      Thread.sleep(50 + new Random(round).nextInt(300));
      writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

      List<String> keys = store.list("churn/");
      assertTrue(keys.stream().allMatch(k -> k.matches("churn/[0-7]")), "only whole objects are listed: " + keys);
      for (String key : keys) {
        assertTrue(StoreWorker.selfCheckPasses(store.get(key).orElseThrow().data()), "torn object " + key);
      }
    }
  }

  @Test
  void staleTempFilesFromACrashAreSweptOnOpenButFreshOnesAreLeft() throws Exception {
    store.put("a/b", bytes("x"));
    Path directoryOfB = directory.resolve("objects").resolve("a.d");
    Path stale = Files.write(directoryOfB.resolve("b.o.1234.tmp"), bytes("half"));
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
    Path fresh = Files.write(directoryOfB.resolve("b.o.5678.tmp"), bytes("in flight"));
    store.close();
    store = LocalObjectStore.open(directory);
    assertTrue(Files.notExists(stale), "a crash's leftover is removed");
    assertTrue(Files.exists(fresh), "another process may still be writing this one");
    assertEquals(List.of("a/b"), store.list(""));
  }

  private static Process java(Class<?> main, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).start();
  }

  static byte[] sha256(byte[] data) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }
}
