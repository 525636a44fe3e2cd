package io.acquire.services.compute;

import io.acquire.services.compute.batch.BatchScript;
import io.acquire.services.compute.gromacs.Gmx;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A program the compute service runs. Every workload is a Java main class called as
 * {@code <mainClass> --input <first input file> --output <directory>}, with its other input
 * files beside the first; it writes {@code records.csv} (flushed line by line), and for a
 * script {@code stdout.txt} and {@code stderr.txt}, and any other files into the output
 * directory, and exits 0 when done, 2 for bad input.
 *
 * @param inputs how many input files a job must name (the price list's {@code inputs})
 * @param maxInputs how many it may name: more than {@code inputs} for a script, whose other files lie beside it
 * @param unavailable why this machine cannot run it, or empty if it can; the price list offers only what it can
 */
record Workload(String name, String description, String mainClass, int inputs, int maxInputs,
    Supplier<Optional<String>> unavailable) {
  static final List<Workload> CATALOG = List.of(
      new Workload("md-equilibrate",
          "Molecular dynamics equilibration of a Lennard-Jones fluid with argon's parameters: heats from a start to an "
              + "end temperature (input: one JSON file with 'system' and 'protocol', see docs/workload-md.md)",
          "io.acquire.services.compute.md.Equilibrate", 1, 1, Optional::empty),
      new Workload("gromacs-equilibrate",
          "The same equilibration run by GROMACS, on the argon system or SPC/E water, with records in the same "
              + "columns (input: one JSON file with 'system' and 'protocol', see docs/workload-gromacs.md)",
          "io.acquire.services.compute.gromacs.GromacsEquilibrate", 1, 1, Gmx::unavailable),
      new Workload("batch-script",
          "Your bash script, run like sbatch in a private directory as an unprivileged user of its own; stdout and "
              + "stderr stream to the output drive, files under $ACQUIRE_OUTPUT are kept (inputs: the script, then "
              + "up to 64 files it uses, see docs/workload-batch.md)",
          "io.acquire.services.compute.batch.BatchScript", 1, 65, BatchScript::unavailable));

  static Optional<Workload> named(String name) {
    return CATALOG.stream().filter(w -> w.name().equals(name)).findFirst();
  }

  /** The workloads this machine can run, as the price list offers them. */
  static List<Workload> offered() {
    return CATALOG.stream().filter(w -> w.unavailable().get().isEmpty()).toList();
  }
}
