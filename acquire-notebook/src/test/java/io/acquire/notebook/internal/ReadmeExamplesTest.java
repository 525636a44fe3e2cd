package io.acquire.notebook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.services.AcquireServer;
import io.acquire.services.store.MemoryObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's Java blocks, run in order in JShell against the real backend, so they cannot drift from the SDK. */
class ReadmeExamplesTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  /** Where the README has a person act on their phone, the test does what they would. */
  private static final String PHONE = "// open login.url() on your phone, compare the code, enter password and authenticator code";

  @Test
  void theReadmesCodeBlocksRunAsWritten() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> blocks = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(readme);
    while (block.find()) {
      blocks.add(block.group(1));
    }
    assertEquals(2, blocks.size(), "a first login, a first simulation");
    String login = blocks.get(0);
    assertTrue(login.contains(PHONE) && login.contains("user.register(\"a long passphrase\");"), login);
    try (AcquireServer backend = AcquireServer.builder().store(new MemoryObjectStore()).port(0)
        .option("identity.bcrypt-cost", "4").option("identity.poll-interval-seconds", "1").start();
         JavaEvaluator java = new JavaEvaluator(List.of())) {
      login = login.replace("http://localhost:8080", backend.url())
          .replace("user.register(\"a long passphrase\");",
              "Registration registration = user.register(\"a long passphrase\");")
          .replace(PHONE, "ApproveLogin.approve(login.url(), \"ada\", \"a long passphrase\", io.acquire.client.Totp"
              + ".fromProvisioningUriUnsafe(registration.provisioningUriUnsafe()).code(java.time.Instant.now()));");
      java.eval(login);
      assertEquals(true, java.eval("user.isLoggedIn()"));
      java.eval(blocks.get(1));
      assertEquals("COMPLETED", String.valueOf(java.eval("job.lastKnownStatus()")), "the README ends logged out, "
          + "so this asks no service");
      assertEquals(false, java.eval("user.isLoggedIn()"));
    }
  }
}
