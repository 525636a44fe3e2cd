package io.acquire.services.compute;

import java.util.Optional;
import picocli.CommandLine;

/** What the workloads' command lines share: their exit codes and one-line reasons. */
public final class WorkloadCommand {
  private WorkloadCommand() {}

  /**
   * Runs a workload's picocli {@code command}: exit 2 when the input was wrong (an
   * {@link IllegalArgumentException}), 1 when the run failed for another reason (a full
   * disk, say), as {@link Workload} promises the runner.
   */
  public static int execute(Object command, String... args) {
    return new CommandLine(command).setExitCodeExceptionMapper(e -> e instanceof IllegalArgumentException ? 2 : 1)
        .execute(args);
  }

  /** Input a workload cannot run, with a sentence that says what is wrong. */
  public static final class BadInput extends Exception {
    private static final long serialVersionUID = 1L;

    public BadInput(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads a workload's first input as its run would, throwing {@link BadInput} for what it cannot run. */
  public interface InputReader {
    void read(byte[] input) throws BadInput;
  }

  /**
   * What is wrong with a workload's first input, or empty if it would run: the compute
   * service asks at quote time, so a typo is refused before anything is held or charged.
   */
  public static Optional<String> problemWith(InputReader reader, byte[] input) {
    try {
      reader.read(input);
      return Optional.empty();
    } catch (BadInput e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The innermost cause's message, its first line only: what a one-line refusal needs. */
  public static String firstLine(Exception e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.lines().findFirst().orElse(message);
  }
}
