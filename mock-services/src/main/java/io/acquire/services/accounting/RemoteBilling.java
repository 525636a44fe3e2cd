package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.ServiceContext;
import io.acquire.services.registry.ServiceClient;
import java.time.Duration;
import java.time.Instant;

/**
 * {@link Billing} through accounting's service-only endpoints ({@link BillingCalls}), for
 * compute in a process without accounting. A person waits on an ownership check or a hold,
 * so those give up after {@link #ASKING}. A settlement runs when a job ends, on the
 * executor's thread: it waits at most {@link #SETTLING}, and if accounting is down it is
 * kept in the store and sent when accounting answers ({@link Settlements}), so an outage
 * neither loses the charge nor stalls the other jobs. The currency is the operator's
 * {@code accounting.currency}, which both processes are given.
 */
final class RemoteBilling implements Billing {
  static final Duration ASKING = Duration.ofSeconds(15);
  static final Duration SETTLING = Duration.ofSeconds(3);

  private final ServiceClient client;
  private final String currency;
  private final Settlements settlements;

  RemoteBilling(ServiceContext context) {
    this.client = context.client();
    this.currency = context.optionOf("accounting", "currency", AccountingService.DEFAULT_CURRENCY);
    this.settlements = context.shared(Settlements.class, () -> new Settlements(context.objects(), client));
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
    return settlements.settle(holdId, amount, SETTLING);
  }

  @Override
  public String storageHold(String user, String accountId, Money amount, Instant expiresAt, String description,
      String idempotencyKey) {
    return client.post("accounting", BillingCalls.STORAGE_HOLDS, new BillingCalls.Hold(user, accountId, amount,
        expiresAt, description, idempotencyKey), BillingCalls.HoldAnswer.class, ASKING).hold();
  }

  @Override
  public Money storageSettle(String holdId, Money amount, String description) {
    return client.post("accounting", BillingCalls.STORAGE_HOLDS + "/" + holdId + "/settle",
        new BillingCalls.Settle(amount, description), BillingCalls.Settled.class, ASKING).charged();
  }

  @Override
  public void refund(String accountId, Money amount, String description, String idempotencyKey) {
    client.post("accounting", BillingCalls.REFUNDS, new BillingCalls.Refund(accountId, amount, description,
        idempotencyKey), BillingCalls.Refunded.class, ASKING);
  }
}
