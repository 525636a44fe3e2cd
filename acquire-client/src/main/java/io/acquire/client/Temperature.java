package io.acquire.client;

/**
 * A thermodynamic temperature, held in kelvin: {@code Temperature.kelvin(300)},
 * {@code Temperature.celsius(25)}. Never below absolute zero.
 */
public record Temperature(double kelvin) {
  public Temperature {
    if (!Double.isFinite(kelvin) || kelvin < 0) {
      throw new IllegalArgumentException("A temperature is at least 0 K (absolute zero), not " + kelvin + " K.");
    }
  }

  public static Temperature kelvin(double kelvin) {
    return new Temperature(kelvin);
  }

  public static Temperature celsius(double celsius) {
    return new Temperature(celsius + 273.15);
  }

  @Override
  public String toString() {
    return kelvin + " K";
  }
}
