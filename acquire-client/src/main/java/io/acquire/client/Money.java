package io.acquire.client;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An exact amount of money: a currency and a whole number of its minor units (pence,
 * cents), never floating point. Amounts have at most two decimal places and at most
 * 10^12 in size; on the wire they are {@code {"amount": "12.50", "currency": "GBP"}}.
 *
 * <pre>{@code
 * Money budget = Money.of("25.00", "GBP");
 * budget.minus(Money.of("0.35", "GBP"));   // 24.65 GBP
 * }</pre>
 */
public final class Money implements Comparable<Money> {
  /** Decimal places of every amount. */
  public static final int SCALE = 2;
  /** The largest amount in minor units, either way: 10^12 whole units. */
  public static final long MAX_MINOR_UNITS = 100_000_000_000_000L;
  private static final long MAX_MINOR = MAX_MINOR_UNITS;
  private static final Pattern AMOUNT = Pattern.compile("-?\\d{1,13}(\\.\\d{1,2})?");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

  private final long minorUnits;
  private final String currency;

  private Money(long minorUnits, String currency) {
    if (Math.abs(minorUnits) > MAX_MINOR) {
      throw new IllegalArgumentException("Amount is larger than 10^12 " + currency + ".");
    }
    if (currency == null || !CURRENCY.matcher(currency).matches()) {
      throw new IllegalArgumentException("Currency must be a three-letter code such as GBP, not " + currency + ".");
    }
    this.minorUnits = minorUnits;
    this.currency = currency;
  }

  /**
   * Parses an amount such as {@code "12.50"}.
   *
   * @throws IllegalArgumentException naming the problem: not a decimal, more than two
   *     decimal places, larger than 10^12, or a bad currency code
   */
  public static Money of(String amount, String currency) {
    if (amount == null || !AMOUNT.matcher(amount.strip()).matches()) {
      throw new IllegalArgumentException("Amount must be a decimal with at most " + SCALE
          + " decimal places, such as 12.50, not '" + amount + "'.");
    }
    BigDecimal value = new BigDecimal(amount.strip());
    return new Money(value.movePointRight(SCALE).longValueExact(), currency);
  }

  public static Money ofMinorUnits(long minorUnits, String currency) {
    return new Money(minorUnits, currency);
  }

  public static Money zero(String currency) {
    return new Money(0, currency);
  }

  public BigDecimal amount() {
    return BigDecimal.valueOf(minorUnits, SCALE);
  }

  public long minorUnits() {
    return minorUnits;
  }

  public String currency() {
    return currency;
  }

  public Money plus(Money other) {
    return new Money(Math.addExact(minorUnits, same(other).minorUnits), currency);
  }

  public Money minus(Money other) {
    return new Money(Math.subtractExact(minorUnits, same(other).minorUnits), currency);
  }

  public boolean isNegative() {
    return minorUnits < 0;
  }

  public boolean isPositive() {
    return minorUnits > 0;
  }

  @Override
  public int compareTo(Money other) {
    return Long.compare(minorUnits, same(other).minorUnits);
  }

  private Money same(Money other) {
    Objects.requireNonNull(other, "other == null");
    if (!currency.equals(other.currency)) {
      throw new IllegalArgumentException("Cannot combine " + currency + " with " + other.currency + ".");
    }
    return other;
  }

  @JsonValue
  Map<String, String> toJson() {
    return Map.of("amount", amount().toPlainString(), "currency", currency);
  }

  @JsonCreator
  static Money fromJson(@JsonProperty("amount") String amount, @JsonProperty("currency") String currency) {
    return of(amount, currency == null ? null : currency.toUpperCase(Locale.ROOT));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Money m && m.minorUnits == minorUnits && m.currency.equals(currency);
  }

  @Override
  public int hashCode() {
    return Objects.hash(minorUnits, currency);
  }

  @Override
  public String toString() {
    return amount().toPlainString() + " " + currency;
  }
}
