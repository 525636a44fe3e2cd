package io.acquire.services.identity;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per minute per source address, as token buckets in this process's memory: the
 * cheap first line against floods of unauthenticated requests (registration, login
 * starts, approvals), which would otherwise cost a write or a bcrypt each. Each process
 * limits on its own; the attempt limits in the store hold across processes.
 */
final class SourceLimiter {
  /** Past this many sources, full buckets (sources quiet for a minute) are forgotten. */
  private static final int MAX_SOURCES = 100_000;

  private final int perMinute;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long refilledAt;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.refilledAt = at;
    }
  }

  /** @param perMinute requests each source may make in a minute, in a burst or spread; 0 for no limit */
  SourceLimiter(int perMinute) {
    if (perMinute < 0) {
      throw new IllegalArgumentException("a rate limit must not be negative, not " + perMinute);
    }
    this.perMinute = perMinute;
  }

  /** Takes one request from {@code source}'s bucket: 0 if allowed, else the seconds until it would be. */
  long take(String source) {
    if (perMinute == 0) {
      return 0;
    }
    long now = System.nanoTime();
    if (buckets.size() > MAX_SOURCES) {
      forgetQuietSources(now);
    }
    long[] wait = new long[1];
    buckets.compute(source, (key, bucket) -> {
      Bucket b = bucket == null ? new Bucket(perMinute, now) : bucket;
      refill(b, now);
      if (b.tokens >= 1) {
        b.tokens -= 1;
      } else {
        wait[0] = Math.max(1, (long) Math.ceil((1 - b.tokens) * 60.0 / perMinute));
      }
      return b;
    });
    return wait[0];
  }

  private void refill(Bucket bucket, long now) {
    bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.refilledAt) / 60e9 * perMinute);
    bucket.refilledAt = now;
  }

  private void forgetQuietSources(long now) {
    buckets.forEach((source, bucket) -> buckets.computeIfPresent(source, (key, b) -> {
      refill(b, now);
      return b.tokens >= perMinute ? null : b;
    }));
  }
}
