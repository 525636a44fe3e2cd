package io.acquire.services.compute.gromacs;

import io.acquire.services.compute.md.Argon;
import io.acquire.services.compute.md.Protocol;
import io.acquire.services.compute.md.Simulation;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The built-in MD engine against GROMACS on the same input: 864 atoms of liquid argon, the
 * same lattice, potential (cut and shifted at 2.5 σ), 5 fs steps, v-rescale thermostat and
 * report interval, the same number of steps, one thread each, rounds alternating A and B.
 * GROMACS's time is mdrun's own "Time:" line (its run loop, as ours excludes set-up too).
 * <pre>
 *   scripts/benchmark.sh io.acquire.services.compute.gromacs.EngineVersusGromacsBenchmark [rounds] [ps]
 * </pre>
 * Also reports a large system (32,000 atoms) on one thread and on all cores, for the
 * engine's parallel force loop.
 */
public final class EngineVersusGromacsBenchmark {
  private EngineVersusGromacsBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    double picoseconds = args.length > 1 ? Double.parseDouble(args[1]) : 20;
    Protocol protocol = Protocol.ramp(picoseconds, 60, 120);
    long steps = Math.round(picoseconds * 1000 / protocol.timestep());
    Optional<Gmx> gmx = Gmx.find();
    Optional<String> why = Gmx.unavailable();
    System.out.printf(Locale.ROOT, "864 argon atoms, %d steps of 5 fs, thermostat on, one thread; %d rounds%n", steps,
        rounds);
    if (why.isPresent()) {
      System.out.println("GROMACS not measured: " + why.get());
    }
    List<Double> engine = new ArrayList<>();
    List<Double> engineCpu = new ArrayList<>();
    List<Double> gromacs = new ArrayList<>();
    List<Double> gromacsCpu = new ArrayList<>();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    runEngine(Argon.LIQUID, Protocol.ramp(2, 60, 120)); // warm the JIT before the first timed round
    for (int round = 1; round <= rounds; round++) {
      long cpu = threads.getCurrentThreadCpuTime();
      double seconds = runEngine(Argon.LIQUID, protocol);
      double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
      engine.add(steps / seconds);
      engineCpu.add(cpuSeconds / steps * 1e6);
      String line = String.format(Locale.ROOT, "round %d: engine %,.0f steps/s (%.0f µs CPU/step)", round,
          steps / seconds, cpuSeconds / steps * 1e6);
      if (why.isEmpty()) {
        double[] wallAndCore = runGromacs(gmx.orElseThrow(), protocol);
        gromacs.add(steps / wallAndCore[0]);
        gromacsCpu.add(wallAndCore[1] / steps * 1e6);
        line += String.format(Locale.ROOT, "; GROMACS %,.0f steps/s (%.0f µs CPU/step); ratio %.2f",
            steps / wallAndCore[0], wallAndCore[1] / steps * 1e6, (steps / seconds) / (steps / wallAndCore[0]));
      }
      System.out.println(line);
    }
    summary("engine ", engine, engineCpu);
    if (!gromacs.isEmpty()) {
      summary("GROMACS", gromacs, gromacsCpu);
      System.out.printf(Locale.ROOT, "engine / GROMACS by medians: %.2f (aim: at least 0.50)%n",
          median(engine) / median(gromacs));
    }
    Argon large = new Argon(20, 1.374, 2.5);
    Protocol short_ = Protocol.ramp(1, 60, 120);
    long largeSteps = Math.round(1000 / short_.timestep());
    int cores = Runtime.getRuntime().availableProcessors();
    // A parallel stream started on a fork-join worker runs in that worker's pool: so one
    // pool of one thread and one of all cores give the same code's serial and parallel speed.
    double[] rates = new double[2];
    int[] parallelism = {1, cores};
    for (int k = 0; k < 2; k++) {
      java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(parallelism[k]);
      try {
        rates[k] = largeSteps / pool.submit(() -> runEngine(large, short_)).get();
      } finally {
        pool.shutdown();
      }
    }
    System.out.printf(Locale.ROOT, "%,d atoms, %d steps: %,.1f steps/s on 1 thread, %,.1f on %d (speed-up %.2f)%n",
        large.atoms(), largeSteps, rates[0], rates[1], cores, rates[1] / rates[0]);
  }

  private static double runEngine(Argon system, Protocol protocol) throws InterruptedException {
    Simulation simulation = new Simulation(system, protocol);
    long start = System.nanoTime();
    simulation.run(r -> { });
    return (System.nanoTime() - start) / 1e9;
  }

  /** mdrun's wall and core seconds for the run, from its md.log. */
  private static double[] runGromacs(Gmx gmx, Protocol protocol) throws Exception {
    Path dir = Files.createTempDirectory("acquire-gmx-bench");
    try {
      Systems.writeArgon(dir, Argon.LIQUID);
      Files.writeString(dir.resolve("md.mdp"), Systems.mdp(Systems.Kind.ARGON, Argon.LIQUID.cutoff(), protocol));
      Duration limit = Duration.ofMinutes(10);
      gmx.run(dir, dir.resolve("grompp.txt"), limit, "grompp", "-f", "md.mdp", "-c", "conf.gro", "-p", "topol.top",
          "-o", "md.tpr");
      gmx.run(dir, dir.resolve("mdrun.txt"), limit, "mdrun", "-deffnm", "md", "-ntmpi", "1", "-ntomp", "1", "-pin",
          "off");
      for (String line : Files.readAllLines(dir.resolve("md.log"))) {
        String trimmed = line.trim();
        if (trimmed.startsWith("Time:")) {
          String[] fields = trimmed.split("\\s+");
          return new double[] {Double.parseDouble(fields[2]), Double.parseDouble(fields[1])};
        }
      }
      throw new IllegalStateException("md.log has no Time: line");
    } finally {
      Gmx.deleteQuietly(dir);
    }
  }

  private static void summary(String name, List<Double> rate, List<Double> cpu) {
    List<Double> sorted = new ArrayList<>(rate);
    Collections.sort(sorted);
    System.out.printf(Locale.ROOT, "%s steps/s: min %,.0f, median %,.0f, max %,.0f; CPU per step median %.0f µs%n",
        name, sorted.get(0), median(rate), sorted.get(sorted.size() - 1), median(cpu));
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int m = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(m) : (sorted.get(m - 1) + sorted.get(m)) / 2;
  }
}
