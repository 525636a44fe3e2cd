package io.acquire.client.internal;

import io.acquire.client.AcquireException;
import io.acquire.client.AuthenticationException;
import io.acquire.client.ConflictException;
import io.acquire.client.InsufficientFundsException;
import io.acquire.client.InvalidRequestException;
import io.acquire.client.NotFoundException;
import io.acquire.client.PermissionException;
import io.acquire.client.RateLimitException;
import io.acquire.client.ServiceException;
import java.time.Duration;

/** The one mapping from an HTTP error to the SDK's exception hierarchy. */
public final class Errors {
  private Errors() {}

  public static AcquireException of(int status, String code, String message, String requestId, Duration retryAfter) {
    if ("insufficient_funds".equals(code) || status == 402) {
      return new InsufficientFundsException(status, code, message, requestId);
    }
    return switch (status) {
      case 400, 405, 413, 422 -> new InvalidRequestException(status, code, message, requestId);
      case 401 -> new AuthenticationException(status, code, message, requestId);
      case 403 -> new PermissionException(status, code, message, requestId);
      case 404 -> new NotFoundException(status, code, message, requestId);
      case 409, 410 -> new ConflictException(status, code, message, requestId);
      case 429 -> new RateLimitException(code, message, requestId, retryAfter == null ? Duration.ZERO : retryAfter);
      default -> status >= 500
          ? new ServiceException(status, code, message, requestId)
          : new AcquireException(status, code, message, requestId);
    };
  }
}
