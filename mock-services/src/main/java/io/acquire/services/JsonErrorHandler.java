package io.acquire.services;

import io.acquire.client.wire.ErrorBody;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.RequestSignature;
import io.acquire.services.http.BodyLimit;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own answers, for requests it refuses before Javalin sees them (headers too large,
 * an unknown HTTP version, a malformed request line) or errors outside any route, in the
 * one JSON error shape instead of Jetty's HTML.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final int MAX_REASON = 200;

  JsonErrorHandler() {
    setShowStacks(false);
    setShowServlet(false);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    String requestId = BodyLimit.newRequestId();
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    fields.put(RequestSignature.REQUEST_ID_HEADER, requestId);
    return ByteBuffer.wrap(body(status, reason, requestId));
  }

  @Override
  protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
      HttpServletResponse response, int code, String message) throws IOException {
    baseRequest.setHandled(true);
    String requestId = BodyLimit.newRequestId();
    response.setContentType("application/json");
    response.setHeader(RequestSignature.REQUEST_ID_HEADER, requestId);
    response.getOutputStream().write(body(code, message, requestId));
  }

  private static byte[] body(int status, String reason, String requestId) {
    return Json.write(new ErrorBody(status, AcquireServer.code(status), sentence(status, reason), requestId));
  }

  /** Jetty's reasons name the rule broken (never a secret), but a hostile request may make them long. */
  private static String sentence(int status, String reason) {
    String detail = reason == null || reason.isBlank() ? "" : ": " + (reason.length() > MAX_REASON
        ? reason.substring(0, MAX_REASON) + "…" : reason);
    return switch (status) {
      case 431 -> "Request headers are too large" + detail + ". Send fewer or shorter headers.";
      case 505 -> "This server speaks HTTP/1.0 and HTTP/1.1 only" + detail + ".";
      case 414 -> "The request's URI is too long" + detail + ".";
      case 413 -> "Request body is too large" + detail + ".";
      default -> status >= 500 ? "The server failed to handle the request" + detail + "."
          : "The request is malformed" + detail + ".";
    };
  }
}
