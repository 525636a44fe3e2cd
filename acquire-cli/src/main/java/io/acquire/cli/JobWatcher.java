package io.acquire.cli;

import io.acquire.client.Drive;
import io.acquire.client.Job;
import io.acquire.client.JobStatus;
import io.acquire.client.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Follows a job until it ends: the stdout and stderr parts its runner streams to the output
 * drive, and its records. On a terminal a block of the latest records with sparklines stays
 * at the bottom and is redrawn in place (the job's output scrolls above it); otherwise each
 * new line or record is printed once.
 */
final class JobWatcher {
  /** The record columns every simulation workload writes, and how to show them. */
  private static final String[][] COLUMNS = {
      {"temperature_K", "Temperature"}, {"kinetic_kJmol", "Kinetic energy"},
      {"potential_kJmol", "Potential energy"}, {"total_kJmol", "Total energy"}};
  private static final int MAX_PART_BYTES = 16 * 1024 * 1024;
  private static final int SPARK_WIDTH = 40;
  private static final char[] BARS = "▁▂▃▄▅▆▇█".toCharArray();

  private final Cli cli;
  private final Job job;
  private final Duration interval;
  private final boolean live;
  private final Map<String, Integer> partsRead = new LinkedHashMap<>(Map.of("stdout", 0, "stderr", 0));
  private int recordsShown;
  private int liveLines;

  JobWatcher(Cli cli, Job job, Duration interval, boolean live) {
    this.cli = cli;
    this.job = job;
    this.interval = interval;
    this.live = live;
  }

  int run() throws InterruptedException {
    Drive outputs = job.outputs();
    JobStatus status = job.status();
    JobStatus shown = null;
    while (true) {
      // Read the status before the parts: the runner sends its last parts before the job ends,
      // so parts read after seeing it ended are all there will be.
      boolean ended = status.isFinal();
      if (status != shown && cli.json()) {
        cli.json(Map.of("type", "status", "status", status.name().toLowerCase()));
      }
      shown = status;
      List<String> lines = new ArrayList<>();
      for (String stream : partsRead.keySet()) {
        for (String text : newParts(outputs, stream)) {
          for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
              emit(stream, line, lines);
            }
          }
        }
      }
      List<String> columns = new ArrayList<>();
      List<TimeSeries> series = series(columns);
      List<Double> times = job.getTime();
      int available = series.isEmpty() ? 0 : series.stream().mapToInt(TimeSeries::size).min().orElse(0);
      for (int i = recordsShown; i < available; i++) {
        if (cli.json()) {
          Map<String, Object> record = new LinkedHashMap<>();
          record.put("type", "record");
          record.put("time_ps", times.get(i));
          for (int c = 0; c < series.size(); c++) {
            record.put(columns.get(c), series.get(c).values().get(i));
          }
          cli.json(record);
        } else if (!live) {
          StringBuilder line = new StringBuilder(String.format("# t=%.3f ps", times.get(i)));
          for (TimeSeries s : series) {
            line.append(String.format("  %s %.3f %s", s.name(), s.values().get(i), s.unit()));
          }
          lines.add(line.toString());
        }
      }
      recordsShown = Math.max(recordsShown, available);
      if (live) {
        redraw(lines, block(status, series));
      } else if (!cli.json()) {
        lines.forEach(cli.out::println);
      }
      cli.out.flush();
      if (ended) {
        break;
      }
      Thread.sleep(interval.toMillis());
      status = job.status();
    }
    finish(status);
    return ExitCodes.of(status);
  }

  private void emit(String stream, String line, List<String> lines) {
    if (cli.json()) {
      cli.json(Map.of("type", stream, "line", line));
    } else if (stream.equals("stderr") && !live) {
      cli.err.println(line);
    } else {
      lines.add(stream.equals("stderr") ? cli.colour("@|red " + line + "|@") : line);
    }
  }

  private List<String> newParts(Drive outputs, String stream) {
    List<String> texts = new ArrayList<>();
    int n = partsRead.get(stream);
    while (true) {
      Optional<byte[]> part = outputs.read(String.format("%s/%08d.txt", stream, n + 1), MAX_PART_BYTES);
      if (part.isEmpty()) {
        break;
      }
      texts.add(new String(part.get(), StandardCharsets.UTF_8));
      n++;
    }
    partsRead.put(stream, n);
    return texts;
  }

  /** The simulation columns this job records (none for a batch script), their names added to {@code names}. */
  private List<TimeSeries> series(List<String> names) {
    List<TimeSeries> series = new ArrayList<>();
    for (String[] column : COLUMNS) {
      try {
        TimeSeries s = job.series(column[0]);
        if (!s.isEmpty()) {
          series.add(new TimeSeries(column[1], s.unit(), s.times(), s.values()));
          names.add(column[0]);
        }
      } catch (IllegalArgumentException e) {
        // This workload records other columns.
      }
    }
    return series;
  }

  private List<String> block(JobStatus status, List<TimeSeries> series) {
    List<String> block = new ArrayList<>();
    Duration ran = job.startedAt().map(t -> Duration.between(t, job.endedAt().orElse(Instant.now())))
        .orElse(Duration.ZERO);
    block.add(cli.colour("@|faint ──|@") + " job " + job.id() + " " + JobCommands.statusText(cli, status) + " "
        + JobCommands.duration(ran.isNegative() ? Duration.ZERO : ran) + "  price " + job.price()
        + (series.isEmpty() ? "" : "  " + recordsShown + " records"));
    int width = series.stream().mapToInt(s -> s.name().length()).max().orElse(0);
    for (TimeSeries s : series) {
      block.add(String.format("%-" + width + "s %12.3f %-7s %s", s.name(), s.last(), s.unit(), sparkline(s.values())));
    }
    return block;
  }

  static String sparkline(List<Double> values) {
    List<Double> tail = values.subList(Math.max(0, values.size() - SPARK_WIDTH), values.size());
    double min = tail.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = tail.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    StringBuilder line = new StringBuilder();
    for (double v : tail) {
      int level = max > min ? (int) Math.round((v - min) / (max - min) * (BARS.length - 1)) : BARS.length / 2;
      line.append(BARS[level]);
    }
    return line.toString();
  }

  /** Moves up over the last block, clears to the end of the screen, prints new lines, then the block. */
  private void redraw(List<String> lines, List<String> block) {
    StringBuilder text = new StringBuilder();
    if (liveLines > 0) {
      text.append("\u001b[").append(liveLines).append("F\u001b[J");
    }
    lines.forEach(l -> text.append(l).append('\n'));
    block.forEach(l -> text.append(l).append('\n'));
    cli.out.print(text);
    liveLines = block.size();
  }

  private void finish(JobStatus status) {
    job.refresh();
    if (cli.json()) {
      Map<String, Object> end = JobCommands.describe(job);
      end.put("type", "end");
      cli.json(end);
    } else {
      cli.out.println("Job " + job.id() + " " + JobCommands.statusText(cli, status)
          + job.cost().map(c -> ", cost " + c + " of " + job.price()).orElse("")
          + job.message().map(m -> ": " + m).orElse(""));
    }
  }
}
