package io.acquire.client;

/** The change conflicts with the current state, such as a name already taken (HTTP 409). */
public class ConflictException extends AcquireException {
  public ConflictException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
