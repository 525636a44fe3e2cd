package io.acquire.services.store;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts per second of 1 KiB objects, 1 and 16 threads: durable local store, the same
 * without fsync, and memory as the baseline, in one run.
 * Run with {@code scripts/benchmark.sh io.acquire.services.store.StoreBenchmark}.
 */
public final class StoreBenchmark {
  private static final long MILLIS = 5_000;

  private StoreBenchmark() {}

  public static void main(String[] args) throws Exception {
    for (int threads : new int[] {1, 16}) {
      double memory = run(new MemoryObjectStore(), threads);
      try (LocalObjectStore durable = LocalObjectStore.open(Files.createTempDirectory("store-bench"));
           LocalObjectStore fast = LocalObjectStore.open(Files.createTempDirectory("store-bench"), false)) {
        double d = run(durable, threads);
        double f = run(fast, threads);
        System.out.printf("%2d threads: durable %7.0f puts/s, no fsync %7.0f puts/s, memory %9.0f puts/s;"
            + " durable/no-fsync %.3f, durable/memory %.4f%n", threads, d, f, memory, d / f, d / memory);
      }
    }
  }

  private static double run(ObjectStore store, int threads) throws Exception {
    byte[] data = new byte[1024];
    AtomicLong puts = new AtomicLong();
    long deadline = System.currentTimeMillis() + MILLIS;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        long n = 0;
        while (System.currentTimeMillis() < deadline) {
          store.put("bench/t" + thread + "/" + (n++ % 1000), data);
          puts.incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return puts.get() * 1000.0 / MILLIS;
  }
}
