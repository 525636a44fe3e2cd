package io.acquire.services.storage;

import io.acquire.client.Money;
import io.acquire.client.wire.StorageWire.StoragePriceList;
import io.acquire.services.ServiceContext;
import io.acquire.services.accounting.AccountingService;
import java.math.BigInteger;
import java.time.Duration;

/**
 * The operator's storage prices, set with {@code storage.*} options and published with the
 * compute prices: a price per GiB-year (uploads pay one year ahead) and a one-off price per
 * GiB that keeps data in the archive tier for {@link #ARCHIVE_YEARS} years. Both are zero
 * unless the operator sets them. A charge is rounded up to a whole minor unit, once per file
 * version, so the charges are what the ledger moves, exactly; a refund is rounded down
 * ({@link #unused}), so refunds never add up to more than was paid.
 */
public final class StoragePrices {
  /** A paid year: 365 days, whatever the calendar says. */
  public static final Duration YEAR = Duration.ofDays(365);
  public static final int ARCHIVE_YEARS = 15;
  private static final BigInteger GIB = BigInteger.ONE.shiftLeft(30);

  private final String currency;
  private final Money perGibYear;
  private final Money archivePerGib;
  private final Duration notice;
  private final Duration grace;

  public StoragePrices(String currency, Money perGibYear, Money archivePerGib, Duration notice, Duration grace) {
    if (perGibYear.isNegative() || archivePerGib.isNegative() || notice.isNegative() || grace.isNegative()) {
      throw new IllegalArgumentException("Storage prices, storage.notice-days and storage.grace-days must not be "
          + "negative");
    }
    this.currency = currency;
    this.perGibYear = perGibYear;
    this.archivePerGib = archivePerGib;
    this.notice = notice;
    this.grace = grace;
  }

  /**
   * The prices from {@code storage.price-per-gib-year}, {@code storage.archive-price-per-gib},
   * {@code storage.notice-days} (30) and {@code storage.grace-days} (30), in the ledger's
   * currency; any service may read them, so compute quotes with the prices storage charges.
   */
  public static StoragePrices of(ServiceContext context) {
    String currency = context.optionOf("accounting", "currency", AccountingService.DEFAULT_CURRENCY);
    return new StoragePrices(currency,
        Money.of(context.optionOf("storage", "price-per-gib-year", "0.00"), currency),
        Money.of(context.optionOf("storage", "archive-price-per-gib", "0.00"), currency),
        Duration.ofDays(days(context, "notice-days")), Duration.ofDays(days(context, "grace-days")));
  }

  private static long days(ServiceContext context, String key) {
    String text = context.optionOf("storage", key, "30");
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Option storage." + key + " must be a whole number of days, not '" + text
          + "'");
    }
  }

  public String currency() {
    return currency;
  }

  /** How long before a drive's paid period ends its owner is told. */
  public Duration notice() {
    return notice;
  }

  /** How long a frozen drive's unpaid files are kept before the sweep deletes them. */
  public Duration grace() {
    return grace;
  }

  public StoragePriceList view() {
    return new StoragePriceList(perGibYear, archivePerGib, ARCHIVE_YEARS, notice.toDays(), grace.toDays());
  }

  /** What {@code years} years of {@code bytes} cost, rounded up to a minor unit. */
  public long yearsMinor(long bytes, int years) {
    return ceilPerGib(BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(perGibYear.minorUnits()))
        .multiply(BigInteger.valueOf(years)));
  }

  /** What archiving {@code bytes} for {@link #ARCHIVE_YEARS} years costs, rounded up to a minor unit. */
  public long archiveMinor(long bytes) {
    return ceilPerGib(BigInteger.valueOf(bytes).multiply(BigInteger.valueOf(archivePerGib.minorUnits())));
  }

  private static long ceilPerGib(BigInteger minorBytes) {
    BigInteger[] qr = minorBytes.divideAndRemainder(GIB);
    BigInteger minor = qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    if (minor.compareTo(BigInteger.valueOf(Money.MAX_MINOR_UNITS)) > 0) {
      throw new IllegalArgumentException("a storage price past " + Money.MAX_MINOR_UNITS + " minor units");
    }
    return minor.longValueExact();
  }

  /**
   * The part of {@code paidMinor}, paid for {@code from} to {@code until}, that pays for time
   * after {@code now}: pro rata by the millisecond, rounded down, so it is never more than was
   * paid and a period refunded once is never refunded again.
   */
  static long unused(long paidMinor, java.time.Instant from, java.time.Instant until, java.time.Instant now) {
    long whole = Duration.between(from, until).toMillis();
    if (whole <= 0 || !now.isBefore(until)) {
      return 0;
    }
    long left = now.isBefore(from) ? whole : Duration.between(now, until).toMillis();
    return BigInteger.valueOf(paidMinor).multiply(BigInteger.valueOf(left)).divide(BigInteger.valueOf(whole))
        .longValueExact();
  }
}
