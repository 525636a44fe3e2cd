package io.acquire.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When the SDK tries a call again: only calls that are safe to repeat (reads, polls, and
 * writes carrying an idempotency key), only after a connection failure, a timeout or a
 * status of 429, 500, 502, 503 or 504, with capped exponential backoff and full jitter.
 * A 429's {@code Retry-After} is honoured up to the cap.
 *
 * <p>Defaults: 3 attempts in all, 200 ms base delay, 5 s cap.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5), Sleeper.REAL);

  private final int maxAttempts;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final Sleeper sleeper;

  private RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Sleeper sleeper) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.baseDelay = Objects.requireNonNull(baseDelay, "baseDelay == null");
    this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay == null");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper == null");
  }

  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** Never retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Sleeper.REAL);
  }

  public static RetryPolicy of(int maxAttempts, Duration baseDelay, Duration maxDelay) {
    return new RetryPolicy(maxAttempts, baseDelay, maxDelay, Sleeper.REAL);
  }

  /** The same policy waiting with {@code sleeper}: pass one that returns at once to test without delays. */
  public RetryPolicy withSleeper(Sleeper sleeper) {
    return new RetryPolicy(maxAttempts, baseDelay, maxDelay, sleeper);
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  /** The wait before attempt {@code attempt + 1} (attempts count from 1), with full jitter. */
  public Duration delayAfter(int attempt, Duration retryAfter) {
    if (retryAfter != null && !retryAfter.isZero()) {
      return retryAfter.compareTo(maxDelay) > 0 ? maxDelay : retryAfter;
    }
    long ceiling = Math.min(maxDelay.toMillis(), baseDelay.toMillis() << Math.min(attempt - 1, 20));
    return Duration.ofMillis(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
  }

  public static boolean isRetryableStatus(int status) {
    return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
  }

  @Override
  public String toString() {
    return "RetryPolicy[maxAttempts=" + maxAttempts + ", base=" + baseDelay + ", cap=" + maxDelay + "]";
  }
}
