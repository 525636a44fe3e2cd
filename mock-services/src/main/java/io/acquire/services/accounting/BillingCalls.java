package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import java.time.Instant;
import java.util.Set;

/**
 * Accounting's endpoints for compute and storage on another host ({@link RemoteBilling}):
 * the {@link Billing} calls, each taking only calls signed by the registered key of the
 * service it is for (job holds compute's, storage holds and refunds storage's). Every one is
 * idempotent (a hold by its key, a settlement by its hold), so compute may repeat them
 * after a lost answer.
 */
final class BillingCalls {
  static final String OWNED = "/service/owned";
  static final String HOLDS = "/service/holds";
  static final String STORAGE_HOLDS = "/service/storage-holds";
  static final String REFUNDS = "/service/refunds";
  private static final Set<String> CALLERS = Set.of("compute");
  private static final Set<String> STORAGE = Set.of("storage");

  record Owned(String user, String account) {}

  record OwnedAnswer(String account) {}

  record Hold(String user, String account, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {}

  record HoldAnswer(String hold) {}

  /** @param description what a storage payment paid for; null for a job's */
  record Settle(Money amount, String description) {
    Settle(Money amount) {
      this(amount, null);
    }
  }

  record Refund(String account, Money amount, String description, String idempotencyKey) {}

  record Refunded(String account, Money amount) {}

  record Settled(Money charged) {}

  private BillingCalls() {}

  static String settlePath(String holdId) {
    return HOLDS + "/" + holdId + "/settle";
  }

  static void mount(Routes routes, LocalBilling billing, Ledger ledger) {
    // Storage asks too: a drive's paying account must be its owner's.
    routes.post(OWNED, routes.forServices(Set.of("compute", "storage"), (ctx, service) -> {
      Owned request = Bodies.json(ctx, Owned.class);
      ctx.json(new OwnedAnswer(billing.requireOwned(Bodies.required("user", request.user(), 64),
          Bodies.required("account", request.account(), 64))));
    }));
    routes.post(HOLDS, routes.forServices(CALLERS, (ctx, service) -> {
      Hold request = checkedHold(ctx);
      ctx.status(201).json(new HoldAnswer(billing.hold(request.user(), request.account(), request.amount(),
          request.expiresAt(), request.description(), request.idempotencyKey())));
    }));
    routes.post(STORAGE_HOLDS, routes.forServices(STORAGE, (ctx, service) -> {
      Hold request = checkedHold(ctx);
      ctx.status(201).json(new HoldAnswer(billing.storageHold(request.user(), request.account(), request.amount(),
          request.expiresAt(), request.description(), request.idempotencyKey())));
    }));
    routes.post(STORAGE_HOLDS + "/{id}/settle", routes.forServices(STORAGE, (ctx, service) -> {
      Settle request = Bodies.json(ctx, Settle.class);
      if (request.amount() == null || request.amount().isNegative()) {
        throw ApiException.badRequest("Field 'amount' is required and must not be negative.");
      }
      ctx.json(new Settled(billing.storageSettle(ctx.pathParam("id"), request.amount(),
          Bodies.required("description", request.description(), 300))));
    }));
    routes.post(REFUNDS, routes.forServices(STORAGE, (ctx, service) -> {
      Refund request = Bodies.json(ctx, Refund.class);
      if (request.amount() == null || !request.amount().isPositive()) {
        throw ApiException.badRequest("Field 'amount' must be more than zero.");
      }
      String account = Bodies.required("account", request.account(), 64);
      billing.refund(account, request.amount(), Bodies.required("description", request.description(), 300),
          Bodies.required("idempotencyKey", request.idempotencyKey(), 200));
      ctx.json(new Refunded(account, request.amount()));
    }));
    routes.post(HOLDS + "/{id}/settle", routes.forServices(CALLERS, (ctx, service) -> {
      String id = ctx.pathParam("id");
      Settle request = Bodies.json(ctx, Settle.class);
      if (request.amount() == null || request.amount().isNegative()) {
        throw ApiException.badRequest("Field 'amount' is required and must not be negative.");
      }
      // Only the holds compute placed are compute's to settle; people's own holds are theirs.
      Records.HoldRecord hold = ledger.hold(id).filter(h -> Ledger.COMPUTE.equals(h.requester()))
          .orElseThrow(() -> ApiException.notFound("There is no job hold " + id + "."));
      if (request.amount().minorUnits() > hold.amountMinor()) {
        throw ApiException.badRequest("Cannot settle " + request.amount() + " against a hold of "
            + Money.ofMinorUnits(hold.amountMinor(), billing.currency()) + ".");
      }
      ctx.json(new Settled(billing.settle(id, request.amount())));
    }));
  }

  /** A hold request with every field present and a positive amount; a 400 naming what is wrong otherwise. */
  private static Hold checkedHold(io.javalin.http.Context ctx) {
    Hold request = Bodies.json(ctx, Hold.class);
    if (request.amount() == null || !request.amount().isPositive()) {
      throw ApiException.badRequest("Field 'amount' must be more than zero.");
    }
    if (request.expiresAt() == null) {
      throw ApiException.badRequest("Field 'expiresAt' is required.");
    }
    return new Hold(Bodies.required("user", request.user(), 64), Bodies.required("account", request.account(), 64),
        request.amount(), request.expiresAt(), Bodies.required("description", request.description(), 300),
        Bodies.required("idempotencyKey", request.idempotencyKey(), 200));
  }
}
