package io.acquire.services.http;

/**
 * A failure the caller caused or can act on: becomes a JSON {@link io.acquire.client.wire.ErrorBody}
 * with this status, code and message. Messages are sentences for a person and never
 * contain a secret.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String error;

  public ApiException(int status, String error, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "invalid_request", message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }

  public static ApiException tooLarge(String message) {
    return new ApiException(413, "too_large", message);
  }

  public static ApiException tooManyRequests(String message) {
    return new ApiException(429, "too_many_requests", message);
  }
}
