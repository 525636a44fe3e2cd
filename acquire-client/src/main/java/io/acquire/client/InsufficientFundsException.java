package io.acquire.client;

/** A payment, hold or transfer would break a balance, overdraft limit or daily cap. */
public class InsufficientFundsException extends AcquireException {
  public InsufficientFundsException(int status, String errorCode, String serviceMessage, String requestId) {
    super(status, errorCode, serviceMessage, requestId);
  }
}
