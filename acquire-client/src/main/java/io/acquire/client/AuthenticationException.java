package io.acquire.client;

/** Not logged in, or the session was refused (HTTP 401): log in again. */
public class AuthenticationException extends AcquireException {
  public AuthenticationException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
