package io.acquire.client;

import java.util.List;
import java.util.Objects;

/**
 * One quantity of a job over simulated time, such as its temperature: {@code values[i]} was
 * recorded at {@code times[i]} (ps). A snapshot: it does not change as the job runs on.
 */
public record TimeSeries(String name, String unit, List<Double> times, List<Double> values) {
  public TimeSeries {
    Objects.requireNonNull(name, "name == null");
    Objects.requireNonNull(unit, "unit == null");
    times = List.copyOf(times);
    values = List.copyOf(values);
    if (times.size() != values.size()) {
      throw new IllegalArgumentException(times.size() + " times but " + values.size() + " values");
    }
  }

  public int size() {
    return values.size();
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }

  /** The newest value; throws if there is none yet. */
  public double last() {
    if (values.isEmpty()) {
      throw new IllegalStateException(name + " has no values yet");
    }
    return values.get(values.size() - 1);
  }

  /** {@code "Temperature (K)"}: a label for a plot axis. */
  public String label() {
    return unit.isEmpty() ? name : name + " (" + unit + ")";
  }

  @Override
  public String toString() {
    return "TimeSeries[" + label() + ", " + size() + " values" + (isEmpty() ? "" : ", last " + last()) + "]";
  }
}
