package io.acquire.client;

/**
 * The one exception type of the SDK: a call to an Acquire service failed. Subclasses say
 * what kind of failure it was; the message carries the HTTP status, the service's
 * message and the request id to quote when reporting a problem. Never contains a secret.
 */
public class AcquireException extends RuntimeException {
  private final int status;
  private final String errorCode;
  private final String serviceMessage;
  private final String requestId;

  public AcquireException(int status, String errorCode, String serviceMessage, String requestId) {
    this(status, errorCode, serviceMessage, requestId, null);
  }

  public AcquireException(int status, String errorCode, String serviceMessage, String requestId, Throwable cause) {
    super(format(status, errorCode, serviceMessage, requestId), cause);
    this.status = status;
    this.errorCode = errorCode;
    this.serviceMessage = serviceMessage;
    this.requestId = requestId;
  }

  /** The HTTP status, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** The service's stable error code, such as {@code invalid_request}, or null. */
  public String errorCode() {
    return errorCode;
  }

  /** The service's sentence about what was wrong, or the client's when no response arrived. */
  public String serviceMessage() {
    return serviceMessage;
  }

  /** The request id to quote in a bug report, or null. */
  public String requestId() {
    return requestId;
  }

  private static String format(int status, String errorCode, String message, String requestId) {
    StringBuilder text = new StringBuilder();
    if (status > 0) {
      text.append(status).append(' ');
    }
    if (errorCode != null) {
      text.append(errorCode).append(": ");
    }
    text.append(message);
    if (requestId != null) {
      text.append(" (request ").append(requestId).append(')');
    }
    return text.toString();
  }
}
