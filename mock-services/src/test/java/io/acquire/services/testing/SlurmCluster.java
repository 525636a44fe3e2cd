package io.acquire.services.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one-node Slurm cluster of {@code scripts/slurm-cluster.sh}, started once per test JVM
 * and stopped (its jobs cancelled first) when the JVM exits. Without Slurm installed the
 * tests that need it are skipped, saying why, except under CI=true, where the machine set-up
 * installs Slurm and its absence is a failure.
 */
public final class SlurmCluster {
  private static SlurmCluster started;

  private final Path script;
  private final Path conf;

  private SlurmCluster(Path script, Path conf) {
    this.script = script;
    this.conf = conf;
  }

  /** The running cluster, started on first use. */
  public static synchronized SlurmCluster get() {
    if (started != null) {
      return started;
    }
    boolean installed = List.of("/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/sbin/munged")
        .stream().allMatch(p -> Files.isExecutable(Path.of(p)));
    String why = "Slurm is not installed (Debian's slurmctld slurmd slurm-client munge; scripts/setup-machine.sh "
        + "installs them as root)";
    if (!installed) {
      if ("true".equals(System.getenv("CI"))) {
        fail(why + ", and CI=true requires it");
      }
      assumeTrue(false, why);
    }
    Path script = root().resolve("scripts/slurm-cluster.sh");
    Path conf = Path.of(Tools.run(List.of(script.toString(), "start")).strip());
    started = new SlurmCluster(script, conf);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        new ProcessBuilder(script.toString(), "stop").inheritIO().start().waitFor();
      } catch (Exception e) {
        // the JVM is leaving; the next start finds the pid files
      }
    }, "slurm-cluster-stop"));
    return started;
  }

  private static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/slurm-cluster.sh"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      fail("scripts/slurm-cluster.sh not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** The cluster's slurm.conf, for SLURM_CONF. */
  public Path conf() {
    return conf;
  }

  /** Slurm's job completion log ({@code JobCompLoc}). */
  public Path completionLog() {
    return conf.resolveSibling("jobcomp.log");
  }

  /** Compute options that put resources "standard" and "fast" on this cluster's partitions. */
  public Map<String, String> computeOptions() {
    return Map.of("compute.resources", "standard,fast", "compute.slurm-conf", conf.toString(),
        "compute.slurm-completion-log", completionLog().toString(),
        "compute.fast.price-per-core-hour", "4.80", "compute.fast.description", "the same node, priced as faster");
  }

  /** Stops slurmctld and slurmd without cancelling jobs and starts them again. */
  public void restartDaemons() {
    Tools.run(List.of(script.toString(), "restart"));
  }

  /** Runs a Slurm command against this cluster and returns what it printed. */
  public String run(String... command) {
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("SLURM_CONF", conf.toString());
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      process.waitFor();
      return out;
    } catch (java.io.IOException e) {
      throw new AssertionError("cannot run " + command[0], e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
