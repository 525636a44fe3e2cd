package io.acquire.services.compute;

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
