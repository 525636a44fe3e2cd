package io.acquire.services.compute;

import io.acquire.services.store.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which compute process holds which Slurm job, so that several processes can serve one
 * store and a job is followed, and ended, by exactly one of them. A job's record names its
 * holder (its {@code executor}, a process's instance id); the holder proves it is alive by
 * rewriting its own small object, {@code compute/instances/<id>}, every quarter of the lease.
 * A process that sees another's object unchanged for a whole lease, measured on its own
 * clock (so the hosts' clocks need not agree), or sees it gone (the holder stopped cleanly
 * and deleted it), takes that process's jobs by a conditional update of each job's record,
 * which exactly one taker wins. One write per process per renewal, however many jobs it holds.
 */
final class JobLeases {
  private static final String PREFIX = "compute/instances/";

  private final ObjectStore store;
  private final Clock clock;
  private final Duration lease;
  private final String instance = "compute-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  private final AtomicLong beats = new AtomicLong();
  /** What each other process's object said when this one last saw it change, and when (on this clock). */
  private final Map<String, Seen> seen = new HashMap<>();

  private record Seen(String content, Instant since) {}

  JobLeases(ObjectStore store, Clock clock, Duration lease) {
    if (lease.toMillis() < 1000) {
      throw new IllegalArgumentException("compute.job-lease-seconds must be at least 1");
    }
    this.store = store;
    this.clock = clock;
    this.lease = lease;
    renew();
  }

  /** This process's id, written into the records of the jobs it holds. */
  String instance() {
    return instance;
  }

  Duration lease() {
    return lease;
  }

  /** How often {@link #renew} must run so that no live holder is mistaken for a dead one. */
  Duration renewEvery() {
    return lease.dividedBy(4);
  }

  /** Shows this process alive: a new counter every time, so an observer sees the object change. */
  void renew() {
    store.put(PREFIX + instance, (beats.incrementAndGet() + " " + clock.instant())
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code holder} (a job's executor) holds its jobs no longer: gone, or silent for a whole lease. */
  synchronized boolean lapsed(String holder) {
    if (holder == null) {
      return true; // a record from before leases, or released
    }
    if (holder.equals(instance)) {
      return false;
    }
    Optional<String> content = store.get(PREFIX + holder)
        .map(o -> new String(o.data(), StandardCharsets.UTF_8));
    if (content.isEmpty()) {
      seen.remove(holder);
      return true;
    }
    Instant now = clock.instant();
    Seen last = seen.get(holder);
    if (last == null || !last.content().equals(content.get())) {
      seen.put(holder, new Seen(content.get(), now));
      return false;
    }
    return Duration.between(last.since(), now).compareTo(lease) >= 0;
  }

  /**
   * Deletes the objects of processes silent for a whole lease, so that processes killed
   * without a clean stop do not accumulate; a process that was only paused writes its
   * object again at its next renewal.
   */
  void sweep() {
    for (String key : store.list(PREFIX)) {
      String holder = key.substring(PREFIX.length());
      if (!holder.equals(instance) && lapsed(holder)) {
        store.delete(key);
      }
    }
  }

  /** Stops holding: the object goes, so other processes take this one's jobs at their next look. */
  void release() {
    store.delete(PREFIX + instance);
  }
}
