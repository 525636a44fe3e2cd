package io.acquire.services.compute;

import io.acquire.client.AcquireException;
import io.acquire.client.Drive;
import io.acquire.client.User;
import io.acquire.client.wire.Base64Url;
import io.acquire.client.wire.ComputeWire;
import io.acquire.client.wire.Json;
import io.acquire.client.wire.SessionCertificate;
import io.acquire.client.wire.SigningKey;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * Runs one job on whatever machine it lands on: fetches the inputs with the job's
 * credential, launches the workload as its own process, sends the records the workload
 * writes to the output drive every {@code flushMillis} as numbered parts (so readers fetch
 * only what is new), likewise its trajectory's frames and any {@code stdout.txt} and {@code stderr.txt} it writes (a
 * batch script's output), and at the end uploads every output file and the workload's log.
 *
 * <p>It needs only the ticket, a JVM and HTTP access to storage, so the same runner works
 * under the local executor and on a cluster node. Exit code: the workload's (0 done,
 * 1 failed, 2 bad input), 130 when stopped by a signal, 3 when the runner itself failed
 * (storage unreachable, credential refused): the platform's failure, not the job's.
 */
public final class JobRunner {
  static final int RUNNER_FAILED = 3;
  static final int STOPPED = 130;
  /** Written into the work directory with the workload's exit code once it has ended. */
  static final String WORKLOAD_EXIT = "workload.exit";
  /** Output files streamed while the workload runs, as {@code <name>/00000001.txt}, … beside the whole file at the end. */
  static final List<String> STREAMED_LOGS = List.of("stdout", "stderr");
  /** How often the runner looks whether the workload's streamed files grew. */
  private static final long LOOK_MILLIS = 10;

  private final JobTicket ticket;
  private final Path work;
  private Process workload; // guarded by this, with stopping
  private boolean stopping;

  private JobRunner(JobTicket ticket, Path work) {
    this.ticket = ticket;
    this.work = work;
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: JobRunner <ticket.json>");
      System.exit(RUNNER_FAILED);
    }
    Path ticketFile = Path.of(args[0]).toAbsolutePath();
    JobRunner runner;
    try {
      runner = new JobRunner(Json.read(Files.readAllBytes(ticketFile), JobTicket.class), ticketFile.getParent());
    } catch (IOException | RuntimeException e) {
      System.err.println("Cannot read the job ticket " + ticketFile + ": " + e.getMessage());
      System.exit(RUNNER_FAILED);
      return;
    }
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopper = new Thread(() -> {
      // SIGTERM (cancel or time limit): stop the workload, let run() send what it wrote, then leave.
      runner.stopWorkload();
      try {
        finished.await(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtime.getRuntime().halt(STOPPED);
    }, "job-runner-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    int code = runner.run();
    finished.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(stopper);
    } catch (IllegalStateException e) {
      return; // a signal began the shutdown; the stopper ends the process
    }
    System.exit(code);
  }

  private int run() {
    SigningKey key = SigningKey.fromSeedUnsafe(Base64Url.decode(ticket.keySeed()));
    try (User user = User.builder().username(ticket.owner()).identityUrl(ticket.identityUrl())
        .registryUrl(ticket.registryUrl())
        .session(key.exportSeedUnsafe(), ticket.certificate()).build()) {
      Drive output = Drive.byId(user, ticket.outputDrive());
      Path inputs = fetchInputs(Drive.byId(user, ticket.inputDrive()));
      Path out = Files.createDirectories(work.resolve("out"));
      Path log = work.resolve("workload.log");
      Process workload = start(new ProcessBuilder(command(inputs.resolve(ticket.inputs().get(0)), out))
          .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()));
      if (workload == null) {
        return STOPPED;
      }
      List<RecordParts> streams = new ArrayList<>();
      streams.add(new RecordParts(out.resolve(ComputeWire.RECORDS_FILE), output));
      streams.add(new RecordParts(out.resolve(ComputeWire.TRAJECTORY_FILE), output, ComputeWire::trajectoryPart, false));
      for (String name : STREAMED_LOGS) {
        streams.add(new RecordParts(out.resolve(name + ".txt"), output, n -> String.format("%s/%08d.txt", name, n),
            false));
      }
      ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
      // Look often (a stat of each file) and send a batch as soon as one is written, but no file
      // more often than flushMillis: a lone record leaves at once, a stream of them in batches.
      long look = Math.min(LOOK_MILLIS, ticket.flushMillis());
      while (!workload.waitFor(look, TimeUnit.MILLISECONDS)) {
        for (RecordParts parts : streams) {
          if (parts.due(ticket.flushMillis())) {
            parts.send();
          }
        }
        if (ticket.watchParent() && (parent == null || !parent.isAlive())) {
          System.err.println("The backend that started this job has gone; stopping the workload.");
          stopWorkload();
        }
      }
      int code = workload.exitValue();
      Files.writeString(work.resolve(WORKLOAD_EXIT), Integer.toString(code));
      for (RecordParts parts : streams) {
        parts.send();
      }
      uploadOutputs(output, out, log);
      return code;
    } catch (AcquireException | IOException | UncheckedIOException e) {
      System.err.println("Job runner failed: " + e.getMessage());
      stopWorkload();
      return RUNNER_FAILED;
    } catch (InterruptedException e) {
      stopWorkload();
      return STOPPED;
    }
  }

  private Path fetchInputs(Drive drive) throws IOException {
    Path inputs = Files.createDirectories(work.resolve("inputs"));
    for (String path : ticket.inputs()) {
      Path target = inputs.resolve(path).normalize();
      if (!target.startsWith(inputs)) {
        throw new IOException("input path " + path + " leaves the inputs directory");
      }
      Files.createDirectories(target.getParent());
      drive.download(path, target);
    }
    return inputs;
  }

  private List<String> command(Path input, Path out) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + ticket.memoryMib() + "m");
    command.add("-XX:ActiveProcessorCount=" + ticket.cores());
    command.add("-cp");
    command.add(ticket.classpath());
    command.add(ticket.mainClass());
    command.addAll(List.of("--input", input.toString(), "--output", out.toString()));
    return command;
  }

  private void uploadOutputs(Drive output, Path out, Path log) throws IOException {
    try (Stream<Path> files = Files.walk(out)) {
      // Regular files only, never through a link: what a workload leaves must not lead the runner elsewhere.
      for (Path file : files.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
        output.upload(file, out.relativize(file).toString().replace('\\', '/'));
      }
    }
    output.upload(log, "job.log");
  }

  /**
   * Starts the workload unless a stop came first (a SIGTERM while inputs were still being
   * fetched): then null, so no workload outlives a runner that was told to stop.
   */
  private synchronized Process start(ProcessBuilder builder) throws IOException {
    if (stopping) {
      return null;
    }
    workload = builder.start();
    return workload;
  }

  private void stopWorkload() {
    Process running;
    synchronized (this) {
      stopping = true;
      running = workload;
    }
    if (running != null && running.isAlive()) {
      running.destroy();
      try {
        if (!running.waitFor(5, TimeUnit.SECONDS)) {
          running.destroyForcibly();
        }
      } catch (InterruptedException e) {
        running.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Sends the complete lines a growing file gained since the last call as the next numbered
   * part; for a CSV file each part starts with the file's header so it reads on its own.
   */
  static final class RecordParts {
    private final Path source;
    private final Drive drive;
    private final IntFunction<String> partName;
    private final boolean withHeader;
    private long offset;
    private String header;
    private int sent;
    private long lastSendNanos = System.nanoTime();

    RecordParts(Path source, Drive drive) {
      this(source, drive, ComputeWire::recordPart, true);
    }

    RecordParts(Path source, Drive drive, IntFunction<String> partName, boolean withHeader) {
      this.source = source;
      this.drive = drive;
      this.partName = partName;
      this.withHeader = withHeader;
    }

    /** Whether the file has grown since the last send and that send was at least {@code flushMillis} ago. */
    boolean due(long flushMillis) {
      if (System.nanoTime() - lastSendNanos < flushMillis * 1_000_000L) {
        return false;
      }
      try {
        return Files.size(source) > offset;
      } catch (IOException e) {
        return false; // not written yet
      }
    }

    /** Sends new lines if there are any; returns how many data lines went. */
    int send() throws IOException {
      lastSendNanos = System.nanoTime();
      if (!Files.exists(source)) {
        return 0;
      }
      String fresh;
      try (RandomAccessFile file = new RandomAccessFile(source.toFile(), "r")) {
        long length = file.length();
        if (length <= offset) {
          return 0;
        }
        byte[] bytes = new byte[(int) Math.min(length - offset, 8L * 1024 * 1024)];
        file.seek(offset);
        file.readFully(bytes);
        int end = lastNewline(bytes);
        if (end < 0) {
          return 0;
        }
        offset += end + 1;
        fresh = new String(bytes, 0, end + 1, StandardCharsets.UTF_8);
      }
      if (!withHeader) {
        header = "";
      } else if (header == null) {
        int firstLine = fresh.indexOf('\n');
        header = fresh.substring(0, firstLine + 1);
        fresh = fresh.substring(firstLine + 1);
      }
      if (fresh.isEmpty()) {
        return 0;
      }
      sent++;
      drive.write(partName.apply(sent), (header + fresh).getBytes(StandardCharsets.UTF_8));
      return (int) fresh.chars().filter(c -> c == '\n').count();
    }

    private static int lastNewline(byte[] bytes) {
      for (int i = bytes.length - 1; i >= 0; i--) {
        if (bytes[i] == '\n') {
          return i;
        }
      }
      return -1;
    }
  }
}
