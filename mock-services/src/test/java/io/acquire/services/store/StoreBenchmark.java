package io.acquire.services.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Puts and gets per second of 1 KiB objects with 1 and 16 threads: durable local store,
 * the same without fsync, and memory as the baseline, all in one run so the ratios are fair.
 * Then durable log appends of 8 KiB records (about a ledger batch) by one writer: the local
 * store's segment log against the same log kept as one object per record, its baseline.
 * Run with {@code scripts/benchmark.sh io.acquire.services.store.StoreBenchmark [seconds per figure]}.
 */
public final class StoreBenchmark {
  private static final int OBJECT_BYTES = 1024;
  private static final int KEYS_PER_THREAD = 1000;

  private StoreBenchmark() {}

  private interface Opener {
    ObjectStore open() throws IOException;
  }

  private record Kind(String name, Opener opener) {}

  private record Figures(double puts, double gets) {}

  public static void main(String[] args) throws Exception {
    long millis = args.length > 0 ? Long.parseLong(args[0]) * 1000 : 3_000;
    Path scratch = Files.createTempDirectory("store-bench");
    List<Kind> kinds = List.of(
        new Kind("durable", () -> LocalObjectStore.open(Files.createTempDirectory(scratch, "durable"))),
        new Kind("no fsync", () -> LocalObjectStore.open(Files.createTempDirectory(scratch, "fast"), false)),
        new Kind("memory", MemoryObjectStore::new));
    try {
      System.out.printf("1 KiB objects, %d ms per figure, %d cores%n", millis, Runtime.getRuntime().availableProcessors());
      for (int threads : new int[] {1, 16}) {
        List<Figures> figures = new ArrayList<>();
        for (Kind kind : kinds) {
          try (ObjectStore store = kind.opener().open()) {
            long[] written = new long[threads];
            double puts = run(store, threads, millis, written, true);
            double gets = run(store, threads, millis, written, false);
            figures.add(new Figures(puts, gets));
            System.out.printf("%2d threads  %-9s %10.0f puts/s %10.0f gets/s%n", threads, kind.name(), puts, gets);
          }
        }
        Figures durable = figures.get(0);
        Figures fast = figures.get(1);
        Figures memory = figures.get(2);
        System.out.printf("%2d threads  ratios    durable/no-fsync puts %.3f gets %.3f; durable/memory puts %.5f gets %.3f%n",
            threads, durable.puts() / fast.puts(), durable.gets() / fast.gets(),
            durable.puts() / memory.puts(), durable.gets() / memory.gets());
      }
      try (LocalObjectStore store = LocalObjectStore.open(Files.createTempDirectory(scratch, "log"))) {
        double segments = appends(store.log("segments"), millis);
        double objects = appends(new KeyedLog(store, "objects"), millis);
        System.out.printf(" 1 writer   durable log appends/s, 8 KiB records: segment log %.0f, object per record %.0f; "
            + "ratio %.2f%n", segments, objects, segments / objects);
      }
    } finally {
      try (Stream<Path> files = Files.walk(scratch)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static double appends(ObjectLog log, long millis) {
    byte[] record = new byte[8 * 1024];
    ThreadLocalRandom.current().nextBytes(record);
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    long position = 0;
    while (System.nanoTime() < deadline) {
      if (!log.append(position++, record)) {
        throw new IllegalStateException("lost position " + (position - 1));
      }
    }
    return position / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Each thread writes its own 1,000 keys (counting in {@code written} how many exist), or
   * reads back random ones of those, so only the store is shared and every get hits.
   */
  private static double run(ObjectStore store, int threads, long millis, long[] written, boolean put)
      throws Exception {
    byte[] data = new byte[OBJECT_BYTES];
    ThreadLocalRandom.current().nextBytes(data);
    AtomicLong operations = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    long start = System.nanoTime();
    long deadline = start + millis * 1_000_000;
    for (int t = 0; t < threads; t++) {
      String prefix = "bench/t" + t + "/";
      int thread = t;
      futures.add(pool.submit(() -> {
        long n = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
          if (put) {
            store.put(prefix + (n % KEYS_PER_THREAD), data);
          } else if (store.get(prefix + random.nextInt((int) written[thread])).isEmpty()) {
            throw new IllegalStateException("lost " + prefix);
          }
          n++;
        }
        if (put) {
          written[thread] = Math.min(n, KEYS_PER_THREAD);
        }
        operations.addAndGet(n);
        return null;
      }));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw new UncheckedIOException(new IOException("benchmark thread failed", e.getCause()));
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return operations.get() / seconds;
  }
}
