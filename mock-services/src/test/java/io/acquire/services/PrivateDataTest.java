package io.acquire.services;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.acquire.client.wire.SigningKey;
import io.acquire.services.store.LocalObjectStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data directory is the backend's OS user's alone, and keys in it are sealed. */
class PrivateDataTest {
  @TempDir
  Path temp;

  /**
   * A backend started with umask 000, so nothing but the store's own choice keeps its files
   * private, serves a registration and a ledger; then every file must be 0600 and every
   * directory 0700, and (when the test runs as root) the user {@code nobody} reads none.
   */
  @Test
  void everyFileOfTheDataDirectoryIsTheBackendUsersAloneWhateverTheUmask() throws Exception {
    Path data = temp.resolve("data");
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder builder = new ProcessBuilder("sh", "-c", "umask 000 && exec \"$0\" \"$@\"",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), AcquireServer.class.getName(),
        "--port", "0", "--data", data.toString(), "--services", "registry,identity,accounting",
        "--set", "identity.bcrypt-cost=4").redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    builder.environment().remove(KeyEncryptionKey.ENVIRONMENT);
    Process child = builder.start();
    try {
      String ready = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)).readLine();
      assertTrue(ready != null && ready.startsWith("Acquire backend ready at "), String.valueOf(ready));
      String url = ready.split(" ")[4];
      try (Response response = new OkHttpClient().newCall(new Request.Builder().url(url + "/t/identity/users")
          .post(RequestBody.create("{\"username\":\"ada\",\"password\":\"long enough pw\"}",
              MediaType.get("application/json"))).build()).execute()) {
        assertEquals(201, response.code());
      }
    } finally {
      child.destroy();
      child.waitFor(10, TimeUnit.SECONDS);
    }

    List<Path> files = new ArrayList<>();
    try (Stream<Path> all = Files.walk(data)) {
      for (Path path : (Iterable<Path>) all::iterator) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
        if (Files.isDirectory(path)) {
          assertEquals("rwx------", mode, path.toString());
        } else {
          assertEquals("rw-------", mode, path.toString());
          files.add(path);
        }
      }
    }
    assertTrue(files.stream().anyMatch(p -> p.endsWith("master-key.json")));
    assertTrue(files.stream().anyMatch(p -> p.toString().contains("identity.d") && p.endsWith("ada.o")));

    assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
        "reading as another user needs root and setpriv");
    for (Path file : files) {
      Process cat = new ProcessBuilder("/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
          "cat", file.toString()).redirectErrorStream(true).start();
      byte[] out = cat.getInputStream().readAllBytes();
      assertTrue(cat.waitFor(10, TimeUnit.SECONDS));
      assertNotEquals(0, cat.exitValue(), "nobody read " + file + ": " + new String(out, StandardCharsets.UTF_8));
    }
  }

  @Test
  void theServerRefusesADataDirectoryOtherUsersCanReach() throws IOException {
    Path data = Files.createDirectory(temp.resolve("open"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    IllegalStateException refused = assertThrows(IllegalStateException.class,
        () -> AcquireServer.builder().dataDirectory(data));
    assertTrue(refused.getMessage().contains("chmod -R go-rwx " + data.toAbsolutePath()), refused.getMessage());
  }

  @Test
  void serviceKeysAreSealedWithTheMasterKeyNotKeptAsRawSeeds() throws IOException {
    Path data = temp.resolve("data");
    try (AcquireServer server = AcquireServer.builder().dataDirectory(data).port(0)
        .services(List.of("registry", "identity")).start()) {
      byte[] stored = server.store().get("keys/identity/signing").orElseThrow().data();
      KeyEncryptionKey kek = KeyEncryptionKey.fromFile(data.resolve("master-key.json"));
      SigningKey key = ServiceKeys.load(server.store(), kek, "identity");
      byte[] seed = key.exportSeedUnsafe();
      assertNotEquals(32, stored.length);
      assertFalse(indexOf(stored, seed) >= 0, "the raw seed is not in the stored object");
      assertArrayEquals(seed, kek.open(stored, "keys/identity/signing"));
      assertThrows(IllegalStateException.class, () -> KeyEncryptionKey.forThisProcess()
          .open(stored, "keys/identity/signing"), "another master key cannot open it");
    }
  }

  @Test
  void aRawSeedFromAnEarlierVersionIsSealedInPlace() {
    try (LocalObjectStore store = LocalObjectStore.open(temp.resolve("old"))) {
      SigningKey old = SigningKey.generate();
      store.put("keys/registry/signing", old.exportSeedUnsafe());
      KeyEncryptionKey kek = KeyEncryptionKey.forThisProcess();
      assertArrayEquals(old.exportSeedUnsafe(), ServiceKeys.load(store, kek, "registry").exportSeedUnsafe());
      byte[] stored = store.get("keys/registry/signing").orElseThrow().data();
      assertNotEquals(32, stored.length);
      assertArrayEquals(old.exportSeedUnsafe(), ServiceKeys.load(store, kek, "registry").exportSeedUnsafe());
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      int j = 0;
      while (j < needle.length && haystack[i + j] == needle[j]) {
        j++;
      }
      if (j == needle.length) {
        return i;
      }
    }
    return -1;
  }
}
