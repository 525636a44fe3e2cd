package io.acquire.cli;

import io.acquire.client.wire.Json;
import io.acquire.client.wire.SigningKey;
import java.util.List;
import java.util.Set;
import okhttp3.ConnectionSpec;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Loads and initialises, on the second core, what any command that calls the backend needs
 * whatever its options say: Ed25519 (the JDK's provider and its classes), JSON's mapper and
 * the HTTP client's classes. It runs while picocli, whose classes cannot come from the class-data archive, reads the
 * command line; the command then finds them ready (or waits for the class being initialised,
 * as the JVM makes any second user of a class wait).
 */
final class Warmup implements Runnable {
  /** Commands that never call the backend. */
  private static final Set<String> LOCAL = Set.of("config", "generate-completion", "cds-training");

  private Warmup() {}

  /** Starts warming up if {@code args} name a command that calls the backend. */
  static void startFor(String[] args) {
    String command = Commands.path(args)[0];
    List<String> words = List.of(args);
    if (command != null && !LOCAL.contains(command) && !words.contains("-h") && !words.contains("--help")) {
      Thread thread = new Thread(new Warmup(), "acquire-warm-up");
      thread.setDaemon(true); // never keeps the command from exiting
      thread.start();
    }
  }

  @Override
  public void run() {
    try {
      // Longest first: the command reaches the wallet's key soon after picocli is done.
      // A key from a seed, as the wallet loads one: no public key, so none of Tink's tables.
      SigningKey.fromSeedUnsafe(new byte[32]).sign(new byte[1]);
      Json.writeString(List.of(1));
      new OkHttpClient.Builder().connectionSpecs(List.of(ConnectionSpec.CLEARTEXT)).build();
      HttpUrl.get("http://127.0.0.1/t/registry"); // the SDK parses each service's URL first thing
    } catch (RuntimeException | LinkageError e) {
      // Nothing to report here: the command meets the same failure where it can say what to do.
    }
  }
}
