package io.acquire.services.http;

import io.javalin.http.Context;

/** A handler that runs only for a verified caller. */
@FunctionalInterface
public interface SignedHandler {
  void handle(Context ctx, Caller caller) throws Exception;
}
