package io.acquire.client;

/** Logged in, but not allowed to do this (HTTP 403). */
public class PermissionException extends AcquireException {
  public PermissionException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
