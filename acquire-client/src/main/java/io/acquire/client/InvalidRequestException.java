package io.acquire.client;

/** The request was malformed or had a bad field (HTTP 400, 405, 413, 422); the message names it. */
public class InvalidRequestException extends AcquireException {
  public InvalidRequestException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
