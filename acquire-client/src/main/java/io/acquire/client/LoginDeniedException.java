package io.acquire.client;

/** The person denied the login, or too many wrong attempts denied it. */
public class LoginDeniedException extends AcquireException {
  public LoginDeniedException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
