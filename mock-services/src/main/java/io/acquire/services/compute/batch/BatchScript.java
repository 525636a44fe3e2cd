package io.acquire.services.compute.batch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The batch-script workload: runs the user's shell script with bash, like {@code sbatch},
 * in a private copy of the job's inputs, with {@code $ACQUIRE_OUTPUT} for the files to
 * keep. Its stdout and stderr go to {@code stdout.txt} and {@code stderr.txt} in the output
 * directory as it writes them (the runner streams both); the files it leaves under
 * {@code $ACQUIRE_OUTPUT} are copied there when it ends.
 *
 * <p>Run as root (as the backend's runner is when the backend is), the script runs as a
 * uid of its own, claimed for this job from a range no account uses, with no groups, no
 * capabilities and no way to gain privileges; its private directory is the only place it
 * can write, and the job's ticket, the other inputs' and jobs' directories and the store
 * are closed to it. When it ends, every process left with that uid is killed, and only
 * regular files that uid owns are copied out, never through a link. Not root, the script
 * runs as the runner's own user (see docs/security.md). Exit 0 when the script exits 0,
 * 1 when it fails (the last line of the log says with which code), 2 on bad input.
 */
@Command(name = "batch-script", mixinStandardHelpOptions = true,
    description = "Runs a shell script in a private directory as an unprivileged user of its own.")
public final class BatchScript implements Callable<Integer> {
  static final String NAME = "batch-script";
  static final String SETPRIV = "/usr/bin/setpriv";
  static final String BASH = "/bin/bash";
  static final String PRLIMIT = "/usr/bin/prlimit";
  static final int MAX_PROCESSES = 1024;
  /** A script larger than this is surely not a script. */
  private static final long MAX_SCRIPT_BYTES = 1 << 20;

  @Option(names = "--input", required = true, description = "The script; the other inputs lie beside it.")
  Path input;

  @Option(names = "--output", required = true, description = "Directory for stdout.txt, stderr.txt and the script's files.")
  Path output;

  private volatile Process script;
  private volatile boolean stopped;

  /**
   * Why this machine cannot run batch scripts isolated, or empty if it can: it must run as
   * root (to give each script a uid of its own) and have util-linux's setpriv.
   */
  public static Optional<String> unavailable() {
    if (!isRoot()) {
      return Optional.of("the backend does not run as root, so it cannot run scripts as users of their own");
    }
    if (!Files.isExecutable(Path.of(SETPRIV)) || !Files.isExecutable(Path.of(BASH))) {
      return Optional.of("it needs " + SETPRIV + " (util-linux) and " + BASH);
    }
    return Optional.empty();
  }

  static boolean isRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public Integer call() throws IOException {
    Path scriptFile = input.toAbsolutePath().normalize();
    try {
      check(scriptFile);
    } catch (IllegalArgumentException e) {
      System.err.println(NAME + ": " + e.getMessage());
      return 2;
    }
    Path out = Files.createDirectories(output.toAbsolutePath().normalize());
    Path work = out.getParent();
    Path inputs = work.resolve("inputs");
    Path inputsRoot = scriptFile.startsWith(inputs) ? inputs : scriptFile.getParent();
    Uids.Claim claim;
    try {
      claim = isRoot() ? Uids.claim(work.getFileName().toString()) : null;
    } catch (IOException e) {
      System.err.println(NAME + ": could not claim a user id for the script: " + e.getMessage());
      return 1;
    }
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopper = new Thread(() -> {
      stopped = true; // SIGTERM (cancel, time limit): end the script, then the main thread copies what it left
      Process running = script;
      if (running != null) {
        running.destroy();
      }
      if (claim != null) {
        claim.killAll(); // at once: should this process be killed before its main thread cleans up, nothing survives
      }
      try {
        finished.await(4, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "batch-stop");
    Runtime.getRuntime().addShutdownHook(stopper);
    Private dir = null;
    try {
      try {
        dir = Private.create(work, inputsRoot, claim);
      } catch (IOException e) {
        System.err.println(NAME + ": could not prepare the script's private directory: " + e.getMessage());
        return 1;
      }
      Path cwd = dir.jobDir().resolve(inputsRoot.relativize(scriptFile.getParent()).toString());
      Path copiedScript = dir.jobDir().resolve(inputsRoot.relativize(scriptFile).toString());
      List<String> command = new ArrayList<>();
      if (claim != null && Files.isExecutable(Path.of(PRLIMIT))) {
        command.addAll(List.of(PRLIMIT, "--nproc=" + MAX_PROCESSES, "--")); // per uid, so per job: no fork bomb
      }
      if (claim != null) {
        command.addAll(List.of(SETPRIV, "--reuid=" + claim.uid(), "--regid=" + claim.uid(), "--clear-groups",
            "--no-new-privs", "--inh-caps=-all", "--"));
      }
      command.addAll(List.of(BASH, copiedScript.toString()));
      ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile())
          .redirectOutput(out.resolve("stdout.txt").toFile()).redirectError(out.resolve("stderr.txt").toFile());
      Map<String, String> env = builder.environment();
      env.clear(); // the backend's environment is not the script's business
      env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
      env.put("HOME", dir.jobDir().toString());
      env.put("TMPDIR", dir.tmp().toString());
      env.put("LANG", "C.UTF-8");
      env.put("ACQUIRE_OUTPUT", dir.output().toString());
      env.put("ACQUIRE_CORES", Integer.toString(Runtime.getRuntime().availableProcessors()));
      env.put("ACQUIRE_JOB", work.getFileName().toString());
      if (stopped) {
        return 130;
      }
      script = builder.start();
      script.getOutputStream().close();
      int code = script.waitFor();
      if (claim != null) {
        claim.killAll(); // background processes the script left must not touch what is copied next
      }
      int copied = dir.copyOutputs(out, claim);
      System.err.println(NAME + ": copied " + copied + " file(s) from $ACQUIRE_OUTPUT");
      if (stopped) {
        System.err.println(NAME + ": stopped");
        return 130;
      }
      if (code != 0) {
        System.err.println(NAME + ": the script exited with code " + code + " (see stderr.txt)");
        return 1;
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 130;
    } finally {
      if (claim != null) {
        claim.killAll();
      }
      if (dir != null) {
        dir.delete();
      }
      if (claim != null) {
        claim.release();
      }
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(stopper);
      } catch (IllegalStateException e) {
        // shutting down: the stopper is waiting for us
      }
    }
  }

  private static void check(Path script) {
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException("the script " + script.getFileName() + " is not a file");
    }
    try {
      long size = Files.size(script);
      if (size == 0) {
        throw new IllegalArgumentException("the script " + script.getFileName() + " is empty");
      }
      if (size > MAX_SCRIPT_BYTES) {
        throw new IllegalArgumentException("the script " + script.getFileName() + " is " + size
            + " bytes; a script must be at most 1 MiB (put data in other input files)");
      }
      byte[] head = new byte[(int) Math.min(size, 4096)];
      try (var in = Files.newInputStream(script)) {
        in.readNBytes(head, 0, head.length);
      }
      for (byte b : head) {
        if (b == 0) {
          throw new IllegalArgumentException("the script " + script.getFileName()
              + " is a binary file; the first input must be a shell script");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the script: " + e.getMessage());
    }
  }

  /**
   * The script's private directory inside the job's work directory: {@code batch/} (the
   * runner's, traversable only), holding {@code job/} (a copy of the inputs, where the
   * script runs), {@code output/} and {@code tmp/}, all three the script's own and closed
   * to everyone else.
   */
  record Private(Path root, Path jobDir, Path output, Path tmp) {
    static Private create(Path work, Path inputsRoot, Uids.Claim claim) throws IOException {
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      if (posix && claim != null) {
        for (Path above = work.getParent(); above != null; above = above.getParent()) {
          if (!Files.getPosixFilePermissions(above).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
            throw new IOException("the script's own user cannot pass through " + above + " to its private directory;"
                + " the operator must make the jobs' work directory (compute.work-directory) reachable (chmod o+x "
                + above + ")");
          }
        }
        // The job's work directory holds the ticket: others may pass through it to batch/, never list or read it.
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        for (String closed : List.of("inputs", "ticket.json", "runner.log", "workload.log")) {
          Path path = work.resolve(closed);
          if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------"));
          }
        }
      }
      Path root = work.resolve("batch");
      Files.createDirectory(root);
      if (posix) {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString(claim != null ? "rwx--x--x" : "rwx------"));
      }
      Private dir = new Private(root, root.resolve("job"), root.resolve("output"), root.resolve("tmp"));
      copyTree(inputsRoot, dir.jobDir());
      Files.createDirectories(dir.output());
      Files.createDirectories(dir.tmp());
      for (Path own : List.of(dir.jobDir(), dir.output(), dir.tmp())) {
        try (Stream<Path> paths = Files.walk(own)) {
          for (Path path : paths.toList()) {
            if (claim != null) {
              Files.setAttribute(path, "unix:uid", claim.uid(), LinkOption.NOFOLLOW_LINKS);
              Files.setAttribute(path, "unix:gid", claim.uid(), LinkOption.NOFOLLOW_LINKS);
            }
            if (posix) {
              Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                  Files.isDirectory(path) ? "rwx------" : "rw-------"));
            }
          }
        }
      }
      return dir;
    }

    /**
     * Copies the regular files under {@code output/} into {@code out}, keeping their paths.
     * Links are skipped (a link could point at the ticket or the store), as are files the
     * script's uid does not own, and the two names the workload itself writes.
     */
    int copyOutputs(Path out, Uids.Claim claim) throws IOException {
      int copied = 0;
      try (Stream<Path> paths = Files.walk(output)) { // walk does not follow links
        for (Path file : paths.sorted().toList()) {
          if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(file)) {
              System.err.println(NAME + ": skipped " + output.relativize(file) + ": a link, not a file");
            }
            continue;
          }
          String relative = output.relativize(file).toString().replace(File.separatorChar, '/');
          if (relative.equals("stdout.txt") || relative.equals("stderr.txt")) {
            System.err.println(NAME + ": skipped " + relative + ": the name of the script's own output stream");
            continue;
          }
          if (claim != null && (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS) != claim.uid()) {
            System.err.println(NAME + ": skipped " + relative + ": not written by the script");
            continue;
          }
          Path target = out.resolve(relative);
          Files.createDirectories(target.getParent());
          Files.copy(file, target, LinkOption.NOFOLLOW_LINKS, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          copied++;
        }
      }
      return copied;
    }

    void delete() {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(path);
        }
      } catch (IOException | UncheckedIOException e) {
        System.err.println(NAME + ": could not delete the private directory: " + e.getMessage());
      }
    }

    private static void copyTree(Path from, Path to) throws IOException {
      Files.createDirectories(to);
      try (Stream<Path> paths = Files.walk(from)) {
        for (Path path : paths.sorted().toList()) {
          Path target = to.resolve(from.relativize(path).toString());
          if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(target);
          } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(path, target);
          }
        }
      } catch (FileAlreadyExistsException e) {
        throw new IOException("input copied twice: " + e.getFile(), e);
      }
    }
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new BatchScript()).setExitCodeExceptionMapper(e -> 1).execute(args);
  }
}
