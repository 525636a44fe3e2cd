package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.ServiceContext;
import io.acquire.services.registry.ServiceClient;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link Billing} through accounting's service-only endpoints ({@link BillingCalls}), for
 * compute in a process without accounting. A person waits on an ownership check or a hold,
 * so those give up after {@link #ASKING}; a settlement runs when a job ends, with nobody
 * waiting, and keeps trying for {@link #SETTLING} so that a restart of accounting costs
 * the job nothing. The currency is the operator's {@code accounting.currency}, which both
 * processes are given.
 */
final class RemoteBilling implements Billing {
  static final Duration ASKING = Duration.ofSeconds(15);
  static final Duration SETTLING = Duration.ofMinutes(5);

  private final ServiceClient client;
  private final String currency;

  RemoteBilling(ServiceContext context) {
    this.client = context.client();
    this.currency = context.optionOf("accounting", "currency", AccountingService.DEFAULT_CURRENCY);
  }

  @Override
  public String currency() {
    return currency;
  }

  @Override
  public String requireOwned(String user, String accountId) {
    return client.post("accounting", BillingCalls.OWNED, new BillingCalls.Owned(user, accountId),
        BillingCalls.OwnedAnswer.class, ASKING).account();
  }

  @Override
  public String hold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {
    return client.post("accounting", BillingCalls.HOLDS, new BillingCalls.Hold(user, accountId, amount, expiresAt,
        description, idempotencyKey), BillingCalls.HoldAnswer.class, ASKING).hold();
  }

  @Override
  public Money settle(String holdId, Money amount) {
    return client.post("accounting", BillingCalls.settlePath(holdId), new BillingCalls.Settle(amount),
        BillingCalls.Settled.class, SETTLING).charged();
  }
}
