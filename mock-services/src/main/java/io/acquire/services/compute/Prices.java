package io.acquire.services.compute;

import io.acquire.client.Money;
import io.acquire.client.wire.ComputeWire.JobRequest;
import io.acquire.client.wire.ComputeWire.Offer;
import io.acquire.services.ServiceContext;
import io.acquire.services.http.ApiException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The published prices and limits of each resource, set by the operator with
 * {@code compute.*} options. A price is a rate times the time asked for; an actual cost is
 * the same rate times the time used, so it can never pass the quote.
 */
final class Prices {
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final BigDecimal MIB_PER_GIB = BigDecimal.valueOf(1024);
  static final int MIN_MEMORY_MIB = 256;
  static final String LOCAL = "local";
  static final String SLURM = "slurm";

  /**
   * Somewhere jobs run, at its own prices and limits.
   *
   * @param executor {@link #LOCAL} (this machine) or {@link #SLURM}
   * @param partition the Slurm partition, for a Slurm resource
   */
  record Resource(String name, String executor, String partition, String description, Money perCoreHour,
      Money perGibHour, Money minimum, int maxCores, int maxMemoryMib, long maxRuntimeSeconds) {

    boolean fits(JobRequest job) {
      return job.cores() <= maxCores && job.memoryMib() <= maxMemoryMib && job.maxRuntimeSeconds() <= maxRuntimeSeconds;
    }

    String limits() {
      return name + " up to " + maxCores + " cores, " + maxMemoryMib + " MiB and " + maxRuntimeSeconds + " s";
    }
  }

  /** A resource chosen for a request, and why. */
  record Choice(Resource resource, Money price, String reason) {}

  private final String currency;
  private final List<Resource> resources;
  private final Duration quoteValidity;

  Prices(ServiceContext context, String currency) {
    this.currency = currency;
    this.quoteValidity = Duration.ofSeconds(context.intOption("quote-validity-seconds", 600));
    if (quoteValidity.isNegative() || quoteValidity.isZero()) {
      throw new IllegalArgumentException("compute.quote-validity-seconds must be positive");
    }
    List<Resource> list = new ArrayList<>();
    for (String name : context.option("resources", LOCAL).split(",")) {
      list.add(resource(context, name.strip()));
    }
    if (list.stream().map(Resource::name).distinct().count() != list.size()) {
      throw new IllegalArgumentException("compute.resources names a resource twice: " + context.option("resources", ""));
    }
    if (list.stream().filter(r -> r.executor().equals(LOCAL)).count() > 1) {
      throw new IllegalArgumentException("compute.resources may name at most one local resource: they would share "
          + "this machine's cores");
    }
    this.resources = List.copyOf(list);
  }

  /**
   * A resource's option {@code compute.<name>.<key>}, else the general {@code compute.<key>}
   * (how prices were set before there were resources), else {@code fallback}.
   */
  private static String option(ServiceContext context, String name, String key, String fallback) {
    return context.option(name + "." + key, context.option(key, fallback));
  }

  private Resource resource(ServiceContext context, String name) {
    if (!name.matches("[a-z0-9][a-z0-9-]{0,31}")) {
      throw new IllegalArgumentException("compute.resources: '" + name + "' is not a resource name (lower-case "
          + "letters, digits and '-', at most 32)");
    }
    String executor = context.option(name + ".executor", name.equals(LOCAL) ? LOCAL : SLURM);
    if (!executor.equals(LOCAL) && !executor.equals(SLURM)) {
      throw new IllegalArgumentException("compute." + name + ".executor must be 'local' or 'slurm', not '" + executor
          + "'");
    }
    String partition = executor.equals(SLURM) ? context.option(name + ".partition", name) : null;
    String description = context.option(name + ".description", executor.equals(LOCAL)
        ? "this machine's processors" : "Slurm partition " + partition);
    Money perCoreHour = Money.of(option(context, name, "price-per-core-hour", "2.40"), currency);
    Money perGibHour = Money.of(option(context, name, "price-per-gib-hour", "0.30"), currency);
    Money minimum = Money.of(option(context, name, "minimum-charge", "0.01"), currency);
    int cores = number(context, name, "cores", Runtime.getRuntime().availableProcessors());
    int memory = number(context, name, "max-memory-mib", 4096);
    int runtime = number(context, name, "max-runtime-seconds", 24 * 3600);
    if (cores < 1 || memory < MIN_MEMORY_MIB || runtime < 1 || perCoreHour.isNegative() || perGibHour.isNegative()
        || minimum.isNegative()) {
      throw new IllegalArgumentException("compute options of resource " + name + " must be positive: cores, "
          + "max-memory-mib (at least " + MIN_MEMORY_MIB + "), max-runtime-seconds and the prices");
    }
    return new Resource(name, executor, partition, description, perCoreHour, perGibHour, minimum, cores, memory,
        runtime);
  }

  private static int number(ServiceContext context, String name, String key, int fallback) {
    String text = option(context, name, key, Integer.toString(fallback));
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option compute." + name + "." + key + " must be a whole number, not '"
          + text + "'");
    }
  }

  String currency() {
    return currency;
  }

  List<Resource> resources() {
    return resources;
  }

  /** The local resource, if the operator offers one. */
  Optional<Resource> local() {
    return resources.stream().filter(r -> r.executor().equals(LOCAL)).findFirst();
  }

  /** The resource a stored job runs on; jobs stored before there were resources ran locally. */
  Optional<Resource> of(JobRequest job) {
    String name = job.resource() == null ? LOCAL : job.resource();
    return resources.stream().filter(r -> r.name().equals(name)).findFirst();
  }

  Duration quoteValidity() {
    return quoteValidity;
  }

  List<Offer> offers() {
    List<Offer> offers = new ArrayList<>();
    for (Workload w : Workload.offered()) {
      for (Resource r : resources) {
        offers.add(new Offer(w.name(), w.description(), r.perCoreHour(), r.perGibHour(), r.minimum(), r.maxCores(),
            r.maxMemoryMib(), r.maxRuntimeSeconds(), w.inputs(), r.name(), r.description()));
      }
    }
    return offers;
  }

  /**
   * Picks where {@code job} runs: the resource it names, or else the cheapest that fits its
   * cores, memory and run time (the first listed on a tie). A 400 names what does not fit.
   */
  Choice choose(Workload workload, JobRequest job) {
    if (job.resource() != null) {
      Resource named = resources.stream().filter(r -> r.name().equals(job.resource())).findFirst()
          .orElseThrow(() -> ApiException.badRequest("Unknown resource '" + job.resource() + "'; the price list "
              + "offers " + resources.stream().map(Resource::name).collect(Collectors.joining(", ")) + "."));
      check(workload, job, named.maxCores(), named.maxMemoryMib(), named.maxRuntimeSeconds(), " on " + named.name());
      return new Choice(named, price(named, job, runtime(job)), "named in the request");
    }
    check(workload, job, resources.stream().mapToInt(Resource::maxCores).max().orElseThrow(),
        resources.stream().mapToInt(Resource::maxMemoryMib).max().orElseThrow(),
        resources.stream().mapToLong(Resource::maxRuntimeSeconds).max().orElseThrow(), "");
    List<Choice> fitting = resources.stream().filter(r -> r.fits(job))
        .map(r -> new Choice(r, price(r, job, runtime(job)), null)).toList();
    String asked = job.cores() + (job.cores() == 1 ? " core, " : " cores, ") + job.memoryMib() + " MiB and "
        + job.maxRuntimeSeconds() + " s";
    if (fitting.isEmpty()) {
      throw ApiException.badRequest("No one resource offers " + asked + " together: "
          + resources.stream().map(Resource::limits).collect(Collectors.joining("; ")) + ". Ask for less, or name a "
          + "resource with field 'resource'.");
    }
    Choice best = fitting.stream().min(Comparator.comparing(Choice::price)).orElseThrow();
    String reason;
    if (resources.size() == 1) {
      reason = "the only resource offered";
    } else if (fitting.size() == 1) {
      reason = "the only one of " + resources.size() + " resources that fits " + asked;
    } else {
      reason = "the cheapest of " + fitting.size() + " resources that fit " + asked + " ("
          + fitting.stream().map(c -> c.resource().name() + " " + c.price()).collect(Collectors.joining(", ")) + ")";
    }
    return new Choice(best.resource(), best.price(), reason);
  }

  private static Duration runtime(JobRequest job) {
    return Duration.ofSeconds(job.maxRuntimeSeconds());
  }

  /** Checks the resources asked for against limits; a 400 naming the first excess. */
  private static void check(Workload workload, JobRequest job, int maxCores, int maxMemoryMib, long maxRuntimeSeconds,
      String where) {
    Optional<String> unavailable = workload.unavailable().get();
    if (unavailable.isPresent()) {
      throw ApiException.badRequest("Workload " + workload.name() + " is not offered by this backend: "
          + unavailable.get() + ".");
    }
    if (job.cores() < 1 || job.cores() > maxCores) {
      throw ApiException.badRequest("Field 'cores' must be 1 to " + maxCores + " (the most the price list offers for "
          + workload.name() + where + "), not " + job.cores() + ".");
    }
    if (job.memoryMib() < MIN_MEMORY_MIB || job.memoryMib() > maxMemoryMib) {
      throw ApiException.badRequest("Field 'memoryMib' must be " + MIN_MEMORY_MIB + " to " + maxMemoryMib
          + " (the most the price list offers" + where + "), not " + job.memoryMib() + ".");
    }
    if (job.maxRuntimeSeconds() < 1 || job.maxRuntimeSeconds() > maxRuntimeSeconds) {
      throw ApiException.badRequest("Field 'maxRuntimeSeconds' must be 1 to " + maxRuntimeSeconds
          + " (the longest run the price list offers" + where + "), not " + job.maxRuntimeSeconds() + ".");
    }
  }

  /** The price of running {@code job} for {@code runtime} on its resource. */
  Money price(JobRequest job, Duration runtime) {
    Resource resource = of(job).orElseGet(() -> resources.get(0));
    return price(resource, job, runtime);
  }

  /** The price of running {@code job} for {@code runtime} on {@code resource}: rounded up to a minor unit, at least the minimum. */
  static Money price(Resource resource, JobRequest job, Duration runtime) {
    BigDecimal hourly = resource.perCoreHour().amount().multiply(BigDecimal.valueOf(job.cores()))
        .add(resource.perGibHour().amount().multiply(BigDecimal.valueOf(job.memoryMib())).divide(MIB_PER_GIB));
    BigDecimal hours = BigDecimal.valueOf(runtime.toMillis()).divide(BigDecimal.valueOf(1000))
        .divide(SECONDS_PER_HOUR, 12, RoundingMode.UP);
    String currency = resource.perCoreHour().currency();
    Money price = Money.of(hourly.multiply(hours).setScale(2, RoundingMode.UP).toPlainString(), currency);
    return price.compareTo(resource.minimum()) < 0 ? resource.minimum() : price;
  }
}
