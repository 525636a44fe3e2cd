package io.acquire.client;

/**
 * {@link User#waitForLogin} gave up waiting before the person approved. The login request
 * stays valid until it expires, so waiting again may still succeed.
 */
public class LoginTimeoutException extends AcquireException {
  public LoginTimeoutException(String message) {
    super(0, null, message, null);
  }
}
