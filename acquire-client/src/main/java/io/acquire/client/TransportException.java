package io.acquire.client;

/** No usable answer arrived: the connection failed or timed out. Safe calls were already retried. */
public class TransportException extends AcquireException {
  public TransportException(String message, Throwable cause) {
    super(0, null, message, null, cause);
  }
}
