package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.http.ApiException;
import io.acquire.services.http.Bodies;
import io.acquire.services.http.Routes;
import java.time.Instant;
import java.util.Set;

/**
 * Accounting's endpoints for compute on another host ({@link RemoteBilling}): the {@link
 * Billing} calls, each taking only calls signed by compute's registered key. Every one is
 * idempotent (a hold by its key, a settlement by its hold), so compute may repeat them
 * after a lost answer.
 */
final class BillingCalls {
  static final String OWNED = "/service/owned";
  static final String HOLDS = "/service/holds";
  private static final Set<String> CALLERS = Set.of("compute");

  record Owned(String user, String account) {}

  record OwnedAnswer(String account) {}

  record Hold(String user, String account, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {}

  record HoldAnswer(String hold) {}

  record Settle(Money amount) {}

  record Settled(Money charged) {}

  private BillingCalls() {}

  static String settlePath(String holdId) {
    return HOLDS + "/" + holdId + "/settle";
  }

  static void mount(Routes routes, LocalBilling billing, Ledger ledger) {
    routes.post(OWNED, routes.forServices(CALLERS, (ctx, service) -> {
      Owned request = Bodies.json(ctx, Owned.class);
      ctx.json(new OwnedAnswer(billing.requireOwned(Bodies.required("user", request.user(), 64),
          Bodies.required("account", request.account(), 64))));
    }));
    routes.post(HOLDS, routes.forServices(CALLERS, (ctx, service) -> {
      Hold request = Bodies.json(ctx, Hold.class);
      if (request.amount() == null || !request.amount().isPositive()) {
        throw ApiException.badRequest("Field 'amount' must be more than zero.");
      }
      if (request.expiresAt() == null) {
        throw ApiException.badRequest("Field 'expiresAt' is required.");
      }
      ctx.status(201).json(new HoldAnswer(billing.hold(Bodies.required("user", request.user(), 64),
          Bodies.required("account", request.account(), 64), request.amount(), request.expiresAt(),
          Bodies.required("description", request.description(), 200),
          Bodies.required("idempotencyKey", request.idempotencyKey(), 128))));
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
}
