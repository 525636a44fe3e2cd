package io.acquire.client;

/** The login request expired before it was approved; start a new one. */
public class LoginExpiredException extends AcquireException {
  public LoginExpiredException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
