package io.acquire.services.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads that wait for a file to appear (a long poll: a running job's next record part), held
 * without a thread each. A write through this process wakes its waiters at once; a write
 * through another process sharing the store is seen by one checker thread that looks for
 * every waiter's file every {@code checkEvery}. Waiters are bounded: past the bound a read
 * answers at once, as one without a wait does.
 */
final class FileWaits implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileWaits.class);

  /** What a waiter is told: the file is there, or the wait ran out. */
  enum Outcome { PRESENT, TIMED_OUT }

  private record Waiter(String drive, String path, long deadlineNanos, CompletableFuture<Outcome> done) {}

  private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
  private final AtomicInteger count = new AtomicInteger();
  private final int max;
  private final BiPredicate<String, String> exists;
  private final ScheduledExecutorService checker;

  /**
   * @param exists whether the drive (by id) has a file at the path, from the store
   */
  FileWaits(int max, Duration checkEvery, BiPredicate<String, String> exists) {
    this.max = max;
    this.exists = exists;
    this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "acquire-file-waits");
      thread.setDaemon(true);
      return thread;
    });
    checker.scheduleWithFixedDelay(this::check, checkEvery.toMillis(), checkEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A future completed when {@code path} appears in {@code drive} or {@code wait} passes; or
   * null when too many reads already wait (the caller answers at once).
   */
  CompletableFuture<Outcome> await(String drive, String path, Duration wait) {
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      return null;
    }
    Waiter waiter = new Waiter(drive, path, System.nanoTime() + wait.toNanos(), new CompletableFuture<>());
    waiters.add(waiter);
    // Written between the caller's look and this registration: nothing would wake it until the next check.
    if (exists.test(drive, path)) {
      finish(waiter, Outcome.PRESENT);
    }
    return waiter.done();
  }

  /** A file was written through this process: wake whoever waits for it. */
  void written(String drive, String path) {
    for (Waiter waiter : waiters) {
      if (waiter.drive().equals(drive) && waiter.path().equals(path)) {
        finish(waiter, Outcome.PRESENT);
      }
    }
  }

  int waiting() {
    return count.get();
  }

  private void check() {
    try {
      long now = System.nanoTime();
      List<Waiter> due = new ArrayList<>(waiters);
      for (Waiter waiter : due) {
        if (exists.test(waiter.drive(), waiter.path())) {
          finish(waiter, Outcome.PRESENT);
        } else if (now - waiter.deadlineNanos() >= 0) {
          finish(waiter, Outcome.TIMED_OUT);
        }
      }
    } catch (RuntimeException e) {
      // A store hiccup: the waiters keep waiting and the next check tries again.
      log.warn("Checking waited-for files failed; checking again shortly", e);
    }
  }

  private void finish(Waiter waiter, Outcome outcome) {
    if (waiters.remove(waiter)) {
      count.decrementAndGet();
      waiter.done().complete(outcome);
    }
  }

  @Override
  public void close() {
    checker.shutdownNow();
    for (Waiter waiter : new ArrayList<>(waiters)) {
      finish(waiter, Outcome.TIMED_OUT);
    }
  }
}
