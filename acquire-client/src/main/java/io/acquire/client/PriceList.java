package io.acquire.client;

import io.acquire.client.wire.ComputeWire;
import io.acquire.client.wire.StorageWire;
import java.util.List;

/**
 * The compute service's published prices: what {@link Job#prices(User)} returns.
 *
 * @param currency the currency of every price, such as {@code GBP}
 * @param offers one per workload and resource
 * @param quoteValiditySeconds how long a quote is honoured
 * @param storage the storage prices, which a quote's storage part uses; null from services without them
 */
public record PriceList(String currency, List<Offer> offers, long quoteValiditySeconds, StoragePrices storage) {

  public PriceList {
    offers = offers == null ? List.of() : List.copyOf(offers);
  }

  /**
   * What one workload costs on one resource and the most a job of it may ask for there. A
   * job's price is {@code (cores × perCoreHour + memory in GiB × perGibHour) × hours},
   * rounded up to the currency's minor unit, and never less than {@code minimum}.
   *
   * @param inputs how many input files the workload takes
   * @param resource where jobs run, such as {@code local} or a Slurm partition (null from old services)
   * @param resourceDescription what the resource is, in the operator's words
   */
  public record Offer(String workload, String description, Money perCoreHour, Money perGibHour, Money minimum,
      int maxCores, int maxMemoryMib, long maxRuntimeSeconds, int inputs, String resource,
      String resourceDescription) {}

  /**
   * Storage prices: per GiB-year, and once per GiB for {@code archiveYears} in the archive tier.
   *
   * @param noticeDays how long before a drive's paid period ends its owner is told
   * @param graceDays how long after it ends unpaid files are kept
   */
  public record StoragePrices(Money perGibYear, Money archivePerGib, int archiveYears, long noticeDays,
      long graceDays) {}

  static PriceList from(ComputeWire.PriceList w) {
    StorageWire.StoragePriceList s = w.storage();
    return new PriceList(w.currency(), w.offers() == null ? List.of() : w.offers().stream()
        .map(o -> new Offer(o.workload(), o.description(), o.perCoreHour(), o.perGibHour(), o.minimum(),
            o.maxCores(), o.maxMemoryMib(), o.maxRuntimeSeconds(), o.inputs(), o.resource(),
            o.resourceDescription())).toList(), w.quoteValiditySeconds(),
        s == null ? null : new StoragePrices(s.perGibYear(), s.archivePerGib(), s.archiveYears(), s.noticeDays(),
            s.graceDays()));
  }
}
