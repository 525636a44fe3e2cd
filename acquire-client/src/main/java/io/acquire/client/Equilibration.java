package io.acquire.client;

import io.acquire.client.wire.Json;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The protocol of the {@code md-equilibrate} workload, typed: heat a Lennard-Jones argon
 * fluid from one temperature to another over a simulated time, as the talk's
 * {@code Protocol.Equilibration(runtime=…, temperature_start=…, temperature_end=…)}. It
 * writes the workload's input file for you, so a simulation needs no hand-written JSON.
 *
 * <pre>{@code
 * Equilibration protocol = Equilibration.of(SimulationTime.picoseconds(20),
 *     Temperature.kelvin(0), Temperature.kelvin(120));
 * Quote quote = Job.quote(user, protocol.writeTo(inputs, "argon/equilibrate.json")
 *     .maxRuntime(Duration.ofMinutes(5)).paidBy(account));
 * }</pre>
 *
 * <p>What is left unset takes the workload's default (docs/workload-md.md: 864 atoms of
 * liquid argon, 5 fs steps, a record every 0.1 ps, thermostat coupling 0.5 ps, seed 42).
 * The service checks the whole input when quoting and refuses, before anything is held,
 * what the workload could not run (such as a runtime past its limit).
 */
public final class Equilibration {
  /** The workload this protocol is the input of. */
  public static final String WORKLOAD = "md-equilibrate";

  private final Map<String, Object> system;
  private final Map<String, Object> protocol;

  private Equilibration(Builder builder) {
    this.system = Map.copyOf(builder.system);
    this.protocol = Map.copyOf(builder.protocol);
  }

  /** Heat (or cool) from {@code start} to {@code end} over {@code runtime}; the rest as the workload's defaults. */
  public static Equilibration of(SimulationTime runtime, Temperature start, Temperature end) {
    return builder().runtime(runtime).temperatures(start, end).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The workload's input file: {@code {"system": {…}, "protocol": {…}}} with what was set. */
  public byte[] toJson() {
    Map<String, Object> input = new LinkedHashMap<>();
    if (!system.isEmpty()) {
      input.put("system", new java.util.TreeMap<>(system));
    }
    input.put("protocol", new java.util.TreeMap<>(protocol));
    return Json.write(input);
  }

  /**
   * Writes the input file to {@code path} on {@code drive} (a new version if it exists) and
   * returns a spec for the workload that reads it; add the resources and {@code paidBy}.
   */
  public JobSpec writeTo(Drive drive, String path) {
    Objects.requireNonNull(drive, "drive == null");
    drive.write(Objects.requireNonNull(path, "path == null"), toJson());
    return JobSpec.workload(WORKLOAD).input(drive, path);
  }

  @Override
  public String toString() {
    return "Equilibration" + new java.util.TreeMap<>(protocol) + (system.isEmpty() ? "" : " of " + new java.util.TreeMap<>(system));
  }

  /** Each setter replaces what was set before; {@link #build()} needs the runtime and both temperatures. */
  public static final class Builder {
    private final Map<String, Object> system = new LinkedHashMap<>();
    private final Map<String, Object> protocol = new LinkedHashMap<>();

    private Builder() {}

    /** How long to simulate. */
    public Builder runtime(SimulationTime runtime) {
      protocol.put("runtime", Objects.requireNonNull(runtime, "runtime == null").picoseconds());
      return this;
    }

    /** The thermostat's target at the start and at the end; it ramps linearly between them. 0 K starts at rest. */
    public Builder temperatures(Temperature start, Temperature end) {
      protocol.put("startTemperature", Objects.requireNonNull(start, "start == null").kelvin());
      protocol.put("endTemperature", Objects.requireNonNull(end, "end == null").kelvin());
      return this;
    }

    /** The integration step (default 5 fs). */
    public Builder timestep(SimulationTime timestep) {
      protocol.put("timestep", Objects.requireNonNull(timestep, "timestep == null").femtoseconds());
      return this;
    }

    /** How often a record (time, temperature, energies) is written (default 0.1 ps); a whole number of steps. */
    public Builder reportInterval(SimulationTime interval) {
      protocol.put("reportInterval", Objects.requireNonNull(interval, "interval == null").picoseconds());
      return this;
    }

    /** The thermostat's relaxation time (default 0.5 ps). */
    public Builder coupling(SimulationTime coupling) {
      protocol.put("coupling", Objects.requireNonNull(coupling, "coupling == null").picoseconds());
      protocol.put("thermostat", true);
      return this;
    }

    /** No thermostat: constant energy (NVE); the temperatures then only set the starting velocities. */
    public Builder withoutThermostat() {
      protocol.put("thermostat", false);
      protocol.remove("coupling");
      return this;
    }

    /** The random seed of the starting velocities and the thermostat (default 42): same seed, same run. */
    public Builder seed(long seed) {
      protocol.put("seed", seed);
      return this;
    }

    /** The system: {@code cellsPerSide}³ FCC cells of 4 atoms at {@code densityGramsPerCm3} (default 6 and 1.374). */
    public Builder argon(int cellsPerSide, double densityGramsPerCm3) {
      system.put("cellsPerSide", cellsPerSide);
      system.put("density", densityGramsPerCm3);
      return this;
    }

    public Equilibration build() {
      if (!protocol.containsKey("runtime")) {
        throw new IllegalStateException("Say how long to simulate: call runtime(SimulationTime.picoseconds(…)).");
      }
      if (!protocol.containsKey("startTemperature")) {
        throw new IllegalStateException("Say what to heat from and to: call temperatures(start, end).");
      }
      return new Equilibration(this);
    }
  }
}
