package io.acquire.services.compute;

import io.acquire.services.compute.md.Equilibrate;
import java.io.IOException;
import java.io.InputStream;
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
record Workload(String name, String description, String mainClass, int inputs, InputCheck check) {
  static final List<Workload> CATALOG = List.of(new Workload("md-equilibrate",
      "Molecular dynamics equilibration of a Lennard-Jones fluid with argon's parameters: heats from a start to an "
          + "end temperature (input: one JSON file with 'system' and 'protocol', see docs/workload-md.md)",
      "io.acquire.services.compute.md.Equilibrate", 1, Equilibrate::problemWith));

  /** Inputs larger than this are not read at quote time: no workload's first input (its settings) is near it. */
  static final int CHECKED_BYTES = 1024 * 1024;

  /** What the workload would refuse in its first input file, found before a quote so mistakes cost nothing. */
  interface InputCheck {
    /** What is wrong with the input, in a sentence, or empty if the workload would run it. */
    Optional<String> problemWith(byte[] firstInput);
  }

  /** A sentence on what is wrong with the first input, or empty; reads at most {@link #CHECKED_BYTES}. */
  Optional<String> problemWith(String path, InputStream firstInput) throws IOException {
    byte[] content = firstInput.readNBytes(CHECKED_BYTES + 1);
    if (content.length > CHECKED_BYTES) {
      return Optional.of("Input " + path + " is larger than " + CHECKED_BYTES / 1024 + " KiB; workload " + name
          + " reads its settings from a small JSON file.");
    }
    return check.problemWith(content).map(problem -> "Input " + path + " is not one workload " + name
        + " can run: " + problem + ". Nothing was quoted or held; fix the file and upload it again.");
  }

  static Optional<Workload> named(String name) {
    return CATALOG.stream().filter(w -> w.name().equals(name)).findFirst();
  }
}
