package io.acquire.client;

import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.ComputeWire;
import io.acquire.client.wire.ComputeWire.JobView;
import io.acquire.client.wire.ComputeWire.Submit;
import java.time.Duration;
import java.time.Instant;

/**
 * A guaranteed price for a job: {@link #submit()} before {@link #expiresAt()} and the job
 * costs at most {@link #price()}, whatever happens. Submitting holds the price on the
 * paying account; the part the job does not use comes back when it ends.
 */
public final class Quote {
  private final User user;
  private final ComputeWire.Quote quote;

  Quote(User user, ComputeWire.Quote quote) {
    this.user = user;
    this.quote = quote;
  }

  public String id() {
    return quote.id();
  }

  public Money price() {
    return quote.price();
  }

  /**
   * The part of {@link #price()} that pays for a year's storage of the job's outputs,
   * estimated at {@link #estimatedOutputBytes()}; the job is charged for what its outputs
   * take, at most this. Zero where storage is free or from services that do not price it.
   */
  public Money storagePrice() {
    return quote.storage() == null ? Money.zero(quote.price().currency()) : quote.storage();
  }

  /** The output size {@link #storagePrice()} was estimated at, from the workload and its inputs. */
  public long estimatedOutputBytes() {
    return quote.outputBytes();
  }

  public Instant expiresAt() {
    return quote.expiresAt();
  }

  public String workload() {
    return quote.job().workload();
  }

  public int cores() {
    return quote.job().cores();
  }

  public int memoryMib() {
    return quote.job().memoryMib();
  }

  /** The resource the job will run on (such as {@code local} or a Slurm partition); null from services without resources. */
  public String resource() {
    return quote.job().resource();
  }

  /** Why the quote chose {@link #resource()}: named in the spec, or the cheapest of those that fit. */
  public String reason() {
    return quote.reason();
  }

  public Duration maxRuntime() {
    return Duration.ofSeconds(quote.job().maxRuntimeSeconds());
  }

  /**
   * Starts the job, holding the price on the paying account. Submitting the same quote
   * again returns the same job, so a retry after a timeout never starts two.
   *
   * @throws InsufficientFundsException if the account cannot cover the price within its
   *     balance, overdraft limit or daily cap; nothing is held then
   * @throws ConflictException if the quote has expired: ask for a new one
   */
  public Job submit() {
    JobView view = user.signedTransport("compute").post("/jobs", new Submit(quote.id()), JobView.class, Safety.SAFE);
    return new Job(user, view);
  }

  @Override
  public String toString() {
    return "Quote[" + workload() + ", " + cores() + (cores() == 1 ? " core, " : " cores, ") + memoryMib() + " MiB, up to "
        + maxRuntime().toSeconds() + " s" + (resource() == null ? "" : " on " + resource()) + ": " + price() + " until " + expiresAt() + "]";
  }
}
