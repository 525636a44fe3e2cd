package io.acquire.services.accounting;

import io.acquire.client.Money;
import io.acquire.services.http.ApiException;
import io.acquire.services.registry.ServiceClient;
import io.acquire.services.store.JsonObjects;
import io.acquire.services.store.ObjectKeys;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settlements of job holds that compute decided but accounting, on another host, has not
 * taken yet. A settlement is written to the store before it is sent, so that when
 * accounting is down it is kept rather than lost (or left to block the executor), and any
 * compute process sends it once accounting answers: the one that decided it, or another
 * after a crash. The first settlement decided for a hold is the one kept, as the ledger
 * itself keeps the first settlement of a hold, so a settlement is never sent twice with
 * two amounts.
 */
final class Settlements implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Settlements.class);
  private static final String PREFIX = "compute/settlements/";
  /** How often kept settlements are sent again. */
  static final Duration RESEND = Duration.ofSeconds(5);

  record Pending(String hold, Money amount) {}

  private final JsonObjects objects;
  private final ServiceClient client;
  private final ScheduledExecutorService sender;

  Settlements(JsonObjects objects, ServiceClient client) {
    this.objects = objects;
    this.client = client;
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "compute-settlements");
      thread.setDaemon(true);
      return thread;
    });
    sender.scheduleWithFixedDelay(this::sendKeptQuietly, RESEND.toMillis(), RESEND.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Settles {@code hold} for {@code amount}, or for the amount first decided for it: sent
   * at once if accounting answers within {@code patience}, else kept and sent later.
   *
   * @return what accounting charged, or for a kept settlement the amount it will charge
   */
  Money settle(String hold, Money amount, Duration patience) {
    String key = PREFIX + ObjectKeys.segment(hold);
    objects.putIfAbsent(key, new Pending(hold, amount));
    Pending decided = objects.get(key, Pending.class).orElse(new Pending(hold, amount));
    try {
      return send(decided, patience);
    } catch (ApiException e) {
      if (refusedForGood(e)) {
        objects.store().delete(key);
        throw e;
      }
      log.warn("Accounting did not take the settlement of {} for {} ({}); it is kept and will be sent again",
          hold, decided.amount(), e.getMessage());
      return decided.amount();
    }
  }

  /** Sends every kept settlement; returns how many accounting took. */
  int sendKept() {
    int sent = 0;
    for (String key : objects.store().list(PREFIX)) {
      Optional<Pending> pending = objects.get(key, Pending.class);
      if (pending.isEmpty()) {
        continue;
      }
      try {
        Money charged = send(pending.get(), Duration.ofSeconds(2));
        log.info("Kept settlement of {} sent: {} charged", pending.get().hold(), charged);
        sent++;
      } catch (ApiException e) {
        if (!refusedForGood(e)) {
          log.warn("Kept settlements wait: accounting did not take {} ({})", pending.get().hold(), e.getMessage());
          return sent; // accounting down, or not yet trusting compute's key: try them all again later
        }
        log.error("Accounting refused the kept settlement of {} for {} ({}); dropping it", pending.get().hold(),
            pending.get().amount(), e.getMessage());
        objects.store().delete(key);
      }
    }
    return sent;
  }

  /**
   * Whether accounting refused the settlement itself (no such job hold, an amount over it),
   * so that sending it again cannot help. Anything else (unreachable, or a key it does not
   * trust yet, as just after a rotation) may pass, and the settlement must not be lost.
   */
  private static boolean refusedForGood(ApiException e) {
    return e.status() == 400 || e.status() == 404 || e.status() == 409;
  }

  private Money send(Pending pending, Duration patience) {
    Money charged = client.post("accounting", BillingCalls.settlePath(pending.hold()),
        new BillingCalls.Settle(pending.amount()), BillingCalls.Settled.class, patience).charged();
    objects.store().delete(PREFIX + ObjectKeys.segment(pending.hold()));
    if (!charged.equals(pending.amount())) {
      log.warn("Hold {} was settled for {}, not the {} decided: it had been settled before, or had expired",
          pending.hold(), charged, pending.amount());
    }
    return charged;
  }

  private void sendKeptQuietly() {
    try {
      sendKept();
    } catch (RuntimeException e) {
      log.warn("Sending kept settlements failed; it will run again", e);
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
