package io.acquire.services.compute.md;

/**
 * Speed of the MD engine on 864 atoms of liquid argon (6x6x6 FCC cells), 5 fs steps, with
 * the thermostat: steps per second and nanoseconds simulated per day, best of 3 runs.
 * Run with {@code scripts/benchmark.sh io.acquire.services.compute.md.SimulationBenchmark}.
 */
public final class SimulationBenchmark {
  private SimulationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Protocol protocol = Protocol.ramp(20, 60, 120);
    double best = 0;
    for (int run = 0; run < 3; run++) {
      Simulation simulation = new Simulation(Argon.LIQUID, protocol);
      long start = System.nanoTime();
      simulation.run(r -> { });
      double seconds = (System.nanoTime() - start) / 1e9;
      best = Math.max(best, protocol.steps() / seconds);
    }
    double nsPerDay = best * protocol.dt() * 86_400 / 1000;
    System.out.printf("864 atoms, 5 fs steps, thermostat on: %.0f steps/s, %.1f ns/day (best of 3 runs of %d steps)%n",
        best, nsPerDay, protocol.steps());
  }
}
