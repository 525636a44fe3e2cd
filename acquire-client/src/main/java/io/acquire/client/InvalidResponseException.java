package io.acquire.client;

/** The service answered, but not with the JSON this SDK expects: a version mismatch or a proxy in the way. */
public class InvalidResponseException extends AcquireException {
  public InvalidResponseException(int status, String message, String requestId) {
    super(status, null, message, requestId);
  }
}
