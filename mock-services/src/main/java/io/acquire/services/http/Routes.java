package io.acquire.services.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Set;

/** A service's view of the server: paths are relative to its mount point {@code /t/<name>}. */
public final class Routes {
  private final Javalin app;
  private final String base;
  private final RequestVerifier verifier;
  private final ServiceCallVerifier services;

  public Routes(Javalin app, String base, RequestVerifier verifier, ServiceCallVerifier services) {
    this.app = app;
    this.base = base;
    this.verifier = verifier;
    this.services = services;
  }

  public Routes get(String path, Handler handler) {
    app.get(base + path, handler);
    return this;
  }

  public Routes post(String path, Handler handler) {
    app.post(base + path, handler);
    return this;
  }

  public Routes put(String path, Handler handler) {
    app.put(base + path, handler);
    return this;
  }

  public Routes head(String path, Handler handler) {
    app.head(base + path, handler);
    return this;
  }

  public Routes delete(String path, Handler handler) {
    app.delete(base + path, handler);
    return this;
  }

  /** Wraps {@code handler} so it runs only after the request's signature is verified. */
  public Handler signed(SignedHandler handler) {
    return ctx -> handler.handle(ctx, verifier.verify(ctx));
  }

  /**
   * {@link #signed}, and only for a person's own session: a job's credential carries its
   * owner's name but reaches nothing beyond the drives its scope names (403 here).
   */
  public Handler forPeople(SignedHandler handler) {
    return signed(peopleOnly(handler));
  }

  /**
   * {@link #forPeople}, but the request's nonce is left for the handler to claim: for the
   * ledger, which records it in the same write as the change the request makes (one write
   * instead of two) and claims it in the store when the request changes nothing.
   */
  public Handler forPeopleClaimingOwnNonce(SignedHandler handler) {
    return ctx -> peopleOnly(handler).handle(ctx, verifier.authenticate(ctx));
  }

  /**
   * Wraps {@code handler} so it runs only for a call signed by one of the named services
   * ({@link ServiceCallVerifier}); people's sessions and jobs' credentials get 403.
   */
  public Handler forServices(Set<String> callers, ServiceHandler handler) {
    return ctx -> handler.handle(ctx, services.verify(ctx, callers));
  }

  /** A handler for a call from another service, given the caller's name. */
  @FunctionalInterface
  public interface ServiceHandler {
    void handle(Context ctx, String service) throws Exception;
  }

  private static SignedHandler peopleOnly(SignedHandler handler) {
    return (ctx, caller) -> {
      if (!caller.hasUserScope()) {
        throw ApiException.forbidden("This session's scope (" + caller.scope() + ") is a job's credential, which "
            + "reaches only the drives it names; this endpoint is for people's sessions.");
      }
      handler.handle(ctx, caller);
    };
  }
}
