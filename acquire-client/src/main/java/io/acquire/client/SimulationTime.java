package io.acquire.client;

/**
 * Time inside a simulation, held in picoseconds: {@code SimulationTime.picoseconds(10)},
 * {@code SimulationTime.femtoseconds(5)}. Molecular dynamics runs for picoseconds in steps
 * of femtoseconds, below what {@link java.time.Duration} (whole nanoseconds) can hold; wall
 * time, such as a job's maximum run time, stays a {@code Duration}.
 */
public record SimulationTime(double picoseconds) {
  public SimulationTime {
    if (!Double.isFinite(picoseconds) || picoseconds < 0) {
      throw new IllegalArgumentException("A simulation time is at least 0 ps, not " + picoseconds + " ps.");
    }
  }

  public static SimulationTime picoseconds(double picoseconds) {
    return new SimulationTime(picoseconds);
  }

  public static SimulationTime femtoseconds(double femtoseconds) {
    return new SimulationTime(femtoseconds / 1000);
  }

  public static SimulationTime nanoseconds(double nanoseconds) {
    return new SimulationTime(nanoseconds * 1000);
  }

  public double femtoseconds() {
    return picoseconds * 1000;
  }

  @Override
  public String toString() {
    return picoseconds + " ps";
  }
}
