package io.acquire.client;

import java.time.Duration;

/** Too many requests (HTTP 429); {@link #retryAfter()} says when to try again. */
public class RateLimitException extends AcquireException {
  private final Duration retryAfter;

  public RateLimitException(String errorCode, String serviceMessage, String requestId, Duration retryAfter) {
    super(429, errorCode, serviceMessage, requestId);
    this.retryAfter = retryAfter;
  }

  /** How long the service asked to wait, or {@link Duration#ZERO} if it did not say. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
