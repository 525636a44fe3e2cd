package io.acquire.client;

/** No such user, account, drive, job or endpoint (HTTP 404). */
public class NotFoundException extends AcquireException {
  public NotFoundException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
