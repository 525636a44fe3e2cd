package io.acquire.client;

import io.acquire.client.internal.Transport;
import io.acquire.client.internal.Transport.Safety;
import io.acquire.client.wire.ComputeWire;
import io.acquire.client.wire.ComputeWire.JobList;
import io.acquire.client.wire.ComputeWire.JobView;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A job on the compute service: quoted, submitted, running, then ended and charged.
 *
 * <pre>{@code
 * Quote quote = Job.quote(user, spec);          // guaranteed until quote.expiresAt()
 * Job job = quote.submit();                     // holds quote.price() on the account
 * job.getTemperature();                         // the records so far, fetched incrementally
 * job.waitFor(Duration.ofMinutes(5));
 * job.cost();                                   // at most the quote; the rest was released
 * job.outputs().files();                        // records.csv, summary.json, …
 * job.view().system();                          // the latest frame of the simulated system
 * }</pre>
 *
 * <p>{@link #status()}, {@link #isRunning()} and {@link #waitFor} ask the service; the other
 * accessors show the job as last seen. The series getters read the records the job has
 * streamed to its output drive: the first call reads what is there, and from then on,
 * while the getters keep being called, a background thread holds a waiting read open for
 * the next part, so each new part arrives as soon as the job sends it (the getters refresh
 * the status at most every quarter second). Calling them in a loop is cheap; {@link
 * #awaitRecords} waits for the next records instead of polling.
 */
public final class Job {
  private static final Duration RECORD_POLL = Duration.ofMillis(250);
  /** How long one waiting read for the next record part is held open by the service. */
  private static final Duration RECORD_WAIT = Duration.ofSeconds(5);
  /** The follower stops when nobody has asked for records this long; the next ask starts it again. */
  private static final Duration FOLLOW_IDLE = Duration.ofSeconds(30);
  private static final Duration STATUS_POLL = Duration.ofMillis(250);
  private static final int MAX_PART_BYTES = 16 * 1024 * 1024;

  private final User user;
  private final Transport compute;
  private volatile JobView view;
  private Drive outputs;
  private View view3d;
  // Records read so far, by column (e.g. "temperature_K"), and how many parts they came from.
  private final Map<String, List<Double>> columns = new LinkedHashMap<>();
  private int partsRead;
  private boolean allRecordsRead;
  private Instant lastRecordPoll = Instant.EPOCH;
  private Thread follower;
  private volatile long lastAskedNanos;

  Job(User user, JobView view) {
    this.user = user;
    this.compute = user.signedTransport("compute");
    this.view = view;
  }

  /** Asks for a guaranteed price for {@code spec}. */
  public static Quote quote(User user, JobSpec spec) {
    ComputeWire.Quote quote = user.signedTransport("compute").post("/quotes", spec.toWire(), ComputeWire.Quote.class,
        Safety.UNSAFE);
    return new Quote(user, quote);
  }

  /** The compute service's published price list. */
  public static PriceList prices(User user) {
    return PriceList.from(user.signedTransport("compute").get("/prices", ComputeWire.PriceList.class));
  }

  public static Job get(User user, String id) {
    Objects.requireNonNull(id, "id == null");
    return new Job(user, user.signedTransport("compute").get("/jobs/" + id, JobView.class));
  }

  /** The user's jobs, newest first. */
  public static List<Job> list(User user) {
    return user.signedTransport("compute").get("/jobs", JobList.class).jobs().stream()
        .map(v -> new Job(user, v)).toList();
  }

  public String id() {
    return view.id();
  }

  public String workload() {
    return view.job().workload();
  }

  /** The resource the job runs on (such as {@code local} or a Slurm partition); null from services without resources. */
  public String resource() {
    return view.job().resource();
  }

  /** The quoted price, held while the job runs. */
  public Money price() {
    return view.price();
  }

  /** What the job was charged once it ended (never above {@link #price()}). */
  public Optional<Money> cost() {
    return Optional.ofNullable(view.cost());
  }

  /** Why the job ended as it did, or what is pending (such as a cancellation). */
  public Optional<String> message() {
    return Optional.ofNullable(view.message());
  }

  public Optional<Instant> startedAt() {
    return Optional.ofNullable(view.startedAt());
  }

  public Optional<Instant> endedAt() {
    return Optional.ofNullable(view.endedAt());
  }

  /** The status as last seen, without asking the service. */
  public JobStatus lastKnownStatus() {
    return JobStatus.fromWire(view.status());
  }

  /** Asks the service for the job's status. */
  public JobStatus status() {
    return refresh().lastKnownStatus();
  }

  /** Fetches the job's current state from the service. */
  public Job refresh() {
    view = compute.get("/jobs/" + view.id(), JobView.class);
    return this;
  }

  /** True while the job is queued or running. */
  public boolean isRunning() {
    return !status().isFinal();
  }

  /**
   * Waits until the job ends or {@code timeout} passes, and returns its status then.
   * Interrupting the waiting thread stops the wait, not the job.
   */
  public JobStatus waitFor(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    JobStatus status = status();
    while (!status.isFinal() && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(STATUS_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TransportException("Interrupted while waiting for job " + id() + ".", e);
      }
      status = status();
    }
    return status;
  }

  /** Asks the service to stop the job; it ends as cancelled soon after (see {@link #waitFor}). */
  public void cancel() {
    view = compute.post("/jobs/" + id() + "/cancel", Map.of(), JobView.class, Safety.SAFE);
  }

  /** The drive that holds the job's records and output files; read-only to its owner. */
  public synchronized Drive outputs() {
    if (outputs == null) {
      outputs = Drive.byId(user, view.outputDrive());
    }
    return outputs;
  }

  /**
   * The simulated system, frame by frame, from the trajectory the job writes as it runs:
   * {@code job.view().system()} is the latest configuration. The same view each call, so it
   * fetches only what is new.
   */
  public synchronized View view() {
    if (view3d == null) {
      view3d = new View(this);
    }
    return view3d;
  }

  /** Simulated time of each record, in ps. */
  public List<Double> getTime() {
    return List.copyOf(records().getOrDefault("time_ps", List.of()));
  }

  public TimeSeries getTemperature() {
    return series("temperature_K", "Temperature");
  }

  public TimeSeries getKineticEnergy() {
    return series("kinetic_kJmol", "Kinetic energy");
  }

  public TimeSeries getPotentialEnergy() {
    return series("potential_kJmol", "Potential energy");
  }

  public TimeSeries getTotalEnergy() {
    return series("total_kJmol", "Total energy");
  }

  /**
   * Any recorded column as a time series; columns are named {@code <quantity>_<unit>}, such
   * as {@code temperature_K} or {@code total_kJmol}.
   */
  public TimeSeries series(String column) {
    int underscore = column.lastIndexOf('_');
    return series(column, capitalise((underscore > 0 ? column.substring(0, underscore) : column).replace('_', ' ')));
  }

  private TimeSeries series(String column, String name) {
    Map<String, List<Double>> records = records();
    int underscore = column.lastIndexOf('_');
    String unit = underscore > 0 ? unitLabel(column.substring(underscore + 1)) : "";
    List<Double> times = records.getOrDefault("time_ps", List.of());
    List<Double> values = records.get(column);
    if (values == null) {
      if (!records.isEmpty()) {
        throw new IllegalArgumentException("Job " + id() + " records no column '" + column + "'; it records "
            + String.join(", ", records.keySet()) + ".");
      }
      values = List.of();
    }
    return new TimeSeries(name, unit, times.subList(0, values.size()), values);
  }

  /** A consistent copy of every column read so far, after fetching any new parts. */
  /**
   * Waits until the job has more than {@code known} records (rows of its series) or {@code
   * timeout} passes, and returns how many it has: for redrawing as records arrive rather than
   * on a timer. Returns at once once every record of an ended job has been read.
   */
  public int awaitRecords(int known, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    records();
    synchronized (this) {
      while (recordCount() <= known && !allRecordsRead) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, RECORD_POLL.toNanos()));
        if (follower == null) {
          records(); // the job ended or following stopped: catch up here, as the getters do
        }
      }
      return recordCount();
    }
  }

  private synchronized Map<String, List<Double>> records() {
    lastAskedNanos = System.nanoTime();
    Instant now = Instant.now();
    if (!allRecordsRead && Duration.between(lastRecordPoll, now).compareTo(RECORD_POLL) >= 0) {
      lastRecordPoll = now;
      boolean endedBefore = lastKnownStatus().isFinal() || status().isFinal();
      // Read here on the first look and the last; in between the follower brings each part as it is sent.
      if (endedBefore || follower == null) {
        Drive drive = outputs();
        while (true) {
          Optional<byte[]> part = drive.read(ComputeWire.recordPart(partsRead + 1), MAX_PART_BYTES);
          if (part.isEmpty()) {
            break;
          }
          append(new String(part.get(), StandardCharsets.UTF_8));
          partsRead++;
        }
        notifyAll();
      }
      // The runner sends its last part before it exits, so once the job had ended before we looked, that was all.
      allRecordsRead = endedBefore;
      if (!allRecordsRead && follower == null) {
        follower = new Thread(this::follow, "acquire-records-" + id());
        follower.setDaemon(true);
        follower.start();
      }
    }
    Map<String, List<Double>> copy = new LinkedHashMap<>();
    columns.forEach((name, values) -> copy.put(name, List.copyOf(values)));
    return copy;
  }

  /**
   * Holds a waiting read open for the next record part and appends each as it arrives, until
   * every record is read, the job is seen to have ended, or nobody has asked for a while.
   */
  private void follow() {
    try {
      Drive drive = outputs();
      while (System.nanoTime() - lastAskedNanos < FOLLOW_IDLE.toNanos()) {
        int next;
        synchronized (this) {
          if (allRecordsRead) {
            return;
          }
          next = partsRead + 1;
        }
        Optional<byte[]> part = drive.read(ComputeWire.recordPart(next), MAX_PART_BYTES, RECORD_WAIT);
        synchronized (this) {
          if (part.isPresent() && partsRead + 1 == next) {
            append(new String(part.get(), StandardCharsets.UTF_8));
            partsRead++;
            notifyAll();
          } else if (part.isEmpty() && lastKnownStatus().isFinal()) {
            return; // the getters read whatever is left once they see the end
          }
        }
      }
    } catch (AcquireException e) {
      // A failed read ends following; the getters read directly until they start it again.
    } finally {
      synchronized (this) {
        follower = null;
        notifyAll();
      }
    }
  }

  private int recordCount() {
    return columns.values().stream().mapToInt(List::size).max().orElse(0);
  }

  private void append(String csv) {
    String[] lines = csv.split("\n");
    String[] header = lines[0].strip().split(",");
    for (String name : header) {
      columns.computeIfAbsent(name, n -> new ArrayList<>());
    }
    for (int i = 1; i < lines.length; i++) {
      String[] cells = lines[i].strip().split(",");
      if (cells.length != header.length) {
        continue;
      }
      for (int c = 0; c < header.length; c++) {
        columns.get(header[c]).add(Double.parseDouble(cells[c]));
      }
    }
  }

  private static String unitLabel(String unit) {
    return unit.equals("kJmol") ? "kJ/mol" : unit;
  }

  private static String capitalise(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  @Override
  public String toString() {
    JobView v = view;
    return "Job[" + v.id() + " " + v.job().workload() + " " + v.status() + ", quoted " + v.price()
        + (v.cost() == null ? "" : ", cost " + v.cost()) + "]";
  }
}
