package io.acquire.services.compute.md;

/**
 * An equilibration: run for {@code runtime} ps in steps of {@code timestep} fs while a
 * thermostat's target temperature ramps linearly from {@code startTemperature} to
 * {@code endTemperature}, reporting every {@code reportInterval} ps.
 *
 * @param thermostat false for constant energy (NVE), where the temperature is not controlled
 * @param coupling the thermostat's relaxation time, ps
 * @param seed the random seed for initial velocities and the stochastic thermostat
 */
public record Protocol(double runtime, double timestep, double startTemperature, double endTemperature,
    double reportInterval, boolean thermostat, double coupling, long seed) {

  public static Protocol ramp(double runtimePs, double fromKelvin, double toKelvin) {
    return new Protocol(runtimePs, 5.0, fromKelvin, toKelvin, 0.1, true, 0.5, 42);
  }

  public Protocol {
    if (!(timestep > 0 && timestep <= 20)) {
      throw new IllegalArgumentException("timestep must be more than 0 and at most 20 fs, not " + timestep);
    }
    if (!(runtime > 0 && runtime <= 100_000)) {
      throw new IllegalArgumentException("runtime must be more than 0 and at most 100,000 ps, not " + runtime);
    }
    // A start at 0 K is the talk's: the atoms start at rest and the thermostat heats them.
    if (!(startTemperature >= 0 && startTemperature <= 10_000)) {
      throw new IllegalArgumentException("startTemperature must be 0 to 10,000 K, not " + startTemperature);
    }
    if (!(endTemperature > 0 && endTemperature <= 10_000)) {
      throw new IllegalArgumentException("endTemperature must be more than 0 and at most 10,000 K, not "
          + endTemperature);
    }
    if (startTemperature == 0 && !thermostat) {
      throw new IllegalArgumentException("a start at 0 K needs the thermostat: without it the atoms stay at rest");
    }
    if (!(reportInterval > 0 && reportInterval <= runtime)) {
      throw new IllegalArgumentException("reportInterval must be more than 0 and at most the runtime ("
          + runtime + " ps), not " + reportInterval);
    }
    if (Math.abs(reportInterval * 1000 / timestep - Math.round(reportInterval * 1000 / timestep)) > 1e-6) {
      throw new IllegalArgumentException("reportInterval (" + reportInterval + " ps) must be a whole number of "
          + "timesteps (" + timestep + " fs)");
    }
    if (thermostat && !(coupling > 0)) {
      throw new IllegalArgumentException("coupling must be more than 0 ps when the thermostat is on");
    }
  }

  /** Timestep in ps. */
  double dt() {
    return timestep / 1000.0;
  }

  long steps() {
    return Math.round(runtime / dt());
  }

  long reportEvery() {
    return Math.round(reportInterval / dt());
  }

  double targetTemperature(double time) {
    return startTemperature + (endTemperature - startTemperature) * Math.min(1.0, time / runtime);
  }
}
