package io.acquire.services.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Reads from the store that one request needs and that do not depend on each other, run
 * side by side instead of one after another: on S3 each is a round trip.
 */
final class SideBySide {
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread thread = new Thread(r, "acquire-storage-lookup");
    thread.setDaemon(true);
    return thread;
  });

  private SideBySide() {}

  /** Starts {@code lookup} on a thread of its own. */
  static <T> CompletableFuture<T> start(Supplier<T> lookup) {
    return CompletableFuture.supplyAsync(lookup, THREADS);
  }

  /** What {@code lookup} found, or its failure as thrown where it happened. */
  static <T> T joined(CompletableFuture<T> lookup) {
    try {
      return lookup.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }
  }
}
