package io.acquire.client;

/** The service failed (HTTP 5xx). Safe calls were already retried. */
public class ServiceException extends AcquireException {
  public ServiceException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
