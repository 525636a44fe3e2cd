package io.acquire.services.compute;

import io.acquire.client.Money;
import io.acquire.client.wire.ComputeWire.JobRequest;
import io.acquire.client.wire.ComputeWire.Offer;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The published prices and limits, set by the operator with {@code compute.*} options. A
 * price is a rate times the time asked for; an actual cost is the same rate times the time
 * used, so it can never pass the quote.
 */
final class Prices {
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final BigDecimal MIB_PER_GIB = BigDecimal.valueOf(1024);
  static final int MIN_MEMORY_MIB = 256;

  private final String currency;
  private final Money perCoreHour;
  private final Money perGibHour;
  private final Money minimum;
  private final int maxCores;
  private final int maxMemoryMib;
  private final long maxRuntimeSeconds;
  private final Duration quoteValidity;

  Prices(ServiceContext context, String currency) {
    this.currency = currency;
    this.perCoreHour = Money.of(context.option("price-per-core-hour", "2.40"), currency);
    this.perGibHour = Money.of(context.option("price-per-gib-hour", "0.30"), currency);
    this.minimum = Money.of(context.option("minimum-charge", "0.01"), currency);
    this.maxCores = context.intOption("cores", Runtime.getRuntime().availableProcessors());
    this.maxMemoryMib = context.intOption("max-memory-mib", 4096);
    this.maxRuntimeSeconds = context.intOption("max-runtime-seconds", 24 * 3600);
    this.quoteValidity = Duration.ofSeconds(context.intOption("quote-validity-seconds", 600));
    if (maxCores < 1 || maxMemoryMib < MIN_MEMORY_MIB || maxRuntimeSeconds < 1 || quoteValidity.isNegative()
        || quoteValidity.isZero() || perCoreHour.isNegative() || perGibHour.isNegative() || minimum.isNegative()) {
      throw new IllegalArgumentException("compute options must be positive: cores, max-memory-mib (at least "
          + MIN_MEMORY_MIB + "), max-runtime-seconds, quote-validity-seconds and the prices");
    }
  }

  String currency() {
    return currency;
  }

  int maxCores() {
    return maxCores;
  }

  Duration quoteValidity() {
    return quoteValidity;
  }

  List<Offer> offers() {
    return Workload.offered().stream().map(w -> new Offer(w.name(), w.description(), perCoreHour, perGibHour, minimum,
        maxCores, maxMemoryMib, maxRuntimeSeconds, w.inputs())).toList();
  }

  /** Checks the resources asked for against what is offered; a 400 naming the first excess. */
  void check(Workload workload, JobRequest job) {
    Optional<String> unavailable = workload.unavailable().get();
    if (unavailable.isPresent()) {
      throw ApiException.badRequest("Workload " + workload.name() + " is not offered by this backend: "
          + unavailable.get() + ".");
    }
    if (job.cores() < 1 || job.cores() > maxCores) {
      throw ApiException.badRequest("Field 'cores' must be 1 to " + maxCores + " (the most the price list offers for "
          + workload.name() + "), not " + job.cores() + ".");
    }
    if (job.memoryMib() < MIN_MEMORY_MIB || job.memoryMib() > maxMemoryMib) {
      throw ApiException.badRequest("Field 'memoryMib' must be " + MIN_MEMORY_MIB + " to " + maxMemoryMib
          + " (the most the price list offers), not " + job.memoryMib() + ".");
    }
    if (job.maxRuntimeSeconds() < 1 || job.maxRuntimeSeconds() > maxRuntimeSeconds) {
      throw ApiException.badRequest("Field 'maxRuntimeSeconds' must be 1 to " + maxRuntimeSeconds
          + " (the longest run the price list offers), not " + job.maxRuntimeSeconds() + ".");
    }
  }

  /** The price of running {@code job} for {@code runtime}: rounded up to a minor unit, at least the minimum. */
  Money price(JobRequest job, Duration runtime) {
    BigDecimal hourly = perCoreHour.amount().multiply(BigDecimal.valueOf(job.cores()))
        .add(perGibHour.amount().multiply(BigDecimal.valueOf(job.memoryMib())).divide(MIB_PER_GIB));
    BigDecimal hours = BigDecimal.valueOf(runtime.toMillis()).divide(BigDecimal.valueOf(1000))
        .divide(SECONDS_PER_HOUR, 12, RoundingMode.UP);
    Money price = Money.of(hourly.multiply(hours).setScale(2, RoundingMode.UP).toPlainString(), currency);
    return price.compareTo(minimum) < 0 ? minimum : price;
  }
}
