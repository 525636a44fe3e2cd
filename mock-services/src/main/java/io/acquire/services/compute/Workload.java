package io.acquire.services.compute;

import java.util.List;
import java.util.Optional;

/**
 * A program the compute service runs. Every workload is a Java main class called as
 * {@code <mainClass> --input <first input file> --output <directory>}, with its other input
 * files beside the first; it writes {@code records.csv} (flushed line by line) and any other
 * files into the output directory, and exits 0 when done, 2 for bad input.
 *
 * @param inputs how many input files a job must name
 */
record Workload(String name, String description, String mainClass, int inputs) {
  static final List<Workload> CATALOG = List.of(new Workload("md-equilibrate",
      "Molecular dynamics equilibration of a Lennard-Jones fluid with argon's parameters: heats from a start to an "
          + "end temperature (input: one JSON file with 'system' and 'protocol', see docs/workload-md.md)",
      "io.acquire.services.compute.md.Equilibrate", 1));

  static Optional<Workload> named(String name) {
    return CATALOG.stream().filter(w -> w.name().equals(name)).findFirst();
  }
}
