package io.acquire.client;

import io.acquire.client.wire.ComputeWire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The simulated system of a job, frame by frame, as the talk's {@code View(process).system()}:
 * the workload writes its trajectory to the job's output drive as it runs, and this reads it.
 *
 * <pre>{@code
 * View view = job.view();
 * MolecularSystem now = view.system();          // the latest frame, while running or after
 * List<MolecularSystem> all = view.frames();    // every frame so far
 * }</pre>
 *
 * <p>Each call fetches only the trajectory parts that are new since the last, so calling
 * {@link #system()} in a loop while the job runs is cheap. Thread-safe.
 */
public final class View {
  private static final int MAX_PART_BYTES = 64 * 1024 * 1024;

  private final Job job;
  private final List<MolecularSystem> frames = new ArrayList<>();
  /** Text after the last complete frame: a frame may span two parts. */
  private final StringBuilder pending = new StringBuilder();
  private int partsRead;
  private boolean complete;

  View(Job job) {
    this.job = job;
  }

  /** The job whose system this shows. */
  public Job job() {
    return job;
  }

  /**
   * The latest frame the job has written.
   *
   * @throws NotFoundException if it has written none yet (queued, or just started) or its
   *     workload writes no trajectory; try again once it runs
   */
  public MolecularSystem system() {
    return latest().orElseThrow(() -> new NotFoundException(0, "no_frame", "Job " + job.id() + " ("
        + job.lastKnownStatus().name().toLowerCase(java.util.Locale.ROOT) + ", workload " + job.workload()
        + ") has written no frame of its system yet; ask again once it runs. Workloads that write none say so "
        + "in their docs.", null));
  }

  /** The latest frame the job has written, or empty if none yet. */
  public synchronized Optional<MolecularSystem> latest() {
    read();
    return frames.isEmpty() ? Optional.empty() : Optional.of(frames.get(frames.size() - 1));
  }

  /** Every frame the job has written so far, in order (all of them once it has ended). */
  public synchronized List<MolecularSystem> frames() {
    read();
    return List.copyOf(frames);
  }

  /** Reads the parts sent since the last call; once the job had ended before reading, that was all of them. */
  private void read() {
    if (complete) {
      return;
    }
    boolean endedBefore = job.lastKnownStatus().isFinal() || job.status().isFinal();
    Drive drive = job.outputs();
    while (true) {
      Optional<byte[]> part = drive.read(ComputeWire.trajectoryPart(partsRead + 1), MAX_PART_BYTES);
      if (part.isEmpty()) {
        break;
      }
      partsRead++;
      pending.append(new String(part.get(), StandardCharsets.UTF_8));
      int used;
      try {
        used = MolecularSystem.parse(pending, frames);
      } catch (IllegalArgumentException e) {
        throw new InvalidResponseException(0, "Job " + job.id() + "'s trajectory is not readable XYZ (part "
            + partsRead + "): " + e.getMessage(), null);
      }
      pending.delete(0, used);
    }
    complete = endedBefore;
  }

  @Override
  public String toString() {
    return "View[job " + job.id() + ", " + frames.size() + " frames read]";
  }
}
