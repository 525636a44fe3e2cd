package io.acquire.notebook.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.PersistentSnippet;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import javax.tools.StandardLocation;

/**
 * Java cells on JShell: splits a cell into snippets, runs them in this JVM, and reports
 * the last expression's value, compile errors and exceptions in a form people can read.
 * Also completion and is-complete for the front end. The kernel runs one cell at a time;
 * {@link #warmUp} runs on a thread of its own until the first request, and {@link
 * #interrupt()} may come from another thread.
 */
public final class JavaEvaluator implements AutoCloseable {
  /** The result of a cell that ends in a statement or declaration rather than an expression. */
  public static final Object NO_VALUE = new Object();
  /** What {@link #evalDeclared} gives when the snippet must be evaluated as it stands. */
  private static final Object NOT_DECLARED = new Object();

  private final CellExecutionControl control = new CellExecutionControl();
  /** Built with the start-up imports by the first call that needs it (at start, the warm-up's); guarded by this. */
  private volatile JShell shell;
  private SourceCodeAnalysis analysis;
  private volatile boolean closed;
  /** Where each snippet's source starts, by snippet id, so stack frames can name cell lines. */
  private final Map<String, Origin> origins = new ConcurrentHashMap<>();
  private final Javadocs javadocs = new Javadocs(JavaEvaluator.class.getClassLoader());
  /** The number of the cell running now (Jupyter's execution count), 0 if not told. */
  private int currentCell;

  /** A snippet's cell and the line of that cell its source starts on (1-based). */
  private record Origin(int cell, int firstLine) {}

  /** Cheap: the shell is built on first use, so a kernel can answer the front end while javac starts. */
  public JavaEvaluator(List<String> startupImports) {
    this(startupImports, null);
  }

  /**
   * As {@link #JavaEvaluator(List)}, with cells compiled against {@code compileJar} instead
   * of this JVM's class path: one jar holding the same classes (the installer writes it),
   * since javac looks packages up in every jar of its class path at each of the several
   * compiler runs a cell takes. Null compiles against the JVM's class path.
   */
  public JavaEvaluator(List<String> startupImports, Path compileJar) {
    this.startupImports = List.copyOf(startupImports);
    this.compileJar = compileJar;
  }

  /**
   * A shell running snippets in this JVM through {@code control}. It compiles against this
   * JVM's class path, JShell's default, or {@code compileJar}, set once on its file manager:
   * a class-path compiler option would make javac re-index every jar on it for each of the
   * several compiler runs a cell takes.
   */
  private static JShell newShell(CellExecutionControl control, Path compileJar) {
    ExecutionControlProvider provider = new ExecutionControlProvider() {
      @Override
      public String name() {
        return "acquire";
      }

      @Override
      public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return control;
      }
    };
    JShell.Builder builder = JShell.builder().executionEngine(provider, Map.of());
    if (compileJar != null) {
      builder.fileManager(files -> {
        try {
          files.setLocationFromPaths(StandardLocation.CLASS_PATH, List.of(compileJar));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot compile cells against " + compileJar, e);
        }
        return files;
      });
    }
    return builder.build();
  }

  /** The cells' shell, built with the start-up imports on first use; the caller holds the lock. */
  private JShell shell() {
    if (closed) {
      throw new IllegalStateException("The evaluator is closed.");
    }
    if (shell == null) {
      JShell built = newShell(control, compileJar);
      try {
        for (String line : startupImports) {
          built.eval(line);
        }
      } catch (RuntimeException e) {
        built.close();
        throw e;
      }
      analysis = built.sourceCodeAnalysis();
      shell = built;
      StartTimes.mark("JShell built, start-up imports compiled");
    }
    return shell;
  }

  private final List<String> startupImports;
  /** The jar cells compile against, or null for this JVM's class path. */
  private final Path compileJar;

  /** Set by the first request, so a warm-up in progress stops after its current snippet. */
  private volatile boolean asked;

  /**
   * Builds the cells' shell, then compiles and runs throwaway snippets in it until {@code
   * snippets} have run or the first real request comes, so the first cell finds javac's
   * classes loaded and its paths compiled instead of paying for them. Each snippet is
   * dropped again: cells never see them, and a dropped snippet costs later cells nothing
   * (JShell imports only defined ones into each compile).
   *
   * @return how many snippets ran
   */
  public int warmUp(int snippets) {
    return asked ? 0 : warmUpLocked(snippets);
  }

  private synchronized int warmUpLocked(int snippets) {
    JShell cells = shell();
    int ran = 0;
    for (int i = 0; i < snippets && !asked; i++) {
      // A declaration, a call over the SDK's types, a method and a value: what cells are made of.
      String source = switch (i % 4) {
        case 0 -> "int acquireWarmUp" + i + " = " + i + " + 1;";
        case 1 -> "java.util.List.of(" + i + ").size() + io.acquire.client.Money.class.getName().length()";
        case 2 -> "int acquireWarmUp" + i + "(int x) { return x * " + i + "; }";
        default -> "java.util.List.of(" + i + ").size() + " + i;
      };
      analysis.analyzeCompletion(source);
      String declaration = ValueDeclaration.of(source);
      for (SnippetEvent event : cells.eval(declaration == null ? source : declaration)) {
        if (event.causeSnippet() == null && event.snippet() instanceof PersistentSnippet) {
          cells.drop(event.snippet());
        }
      }
      control.forgetValues();
      ran++;
    }
    StartTimes.mark("warm-up ended after " + ran + " snippets");
    return ran;
  }

  /** Tells a running warm-up to stop: a request is coming. Called before taking the shell. */
  public void asked() {
    asked = true;
  }

  /** Makes a jar or directory available to later cells. */
  public void addToClasspath(String path) {
    asked = true;
    addToClasspathLocked(path);
  }

  private synchronized void addToClasspathLocked(String path) {
    if (!new File(path).exists()) {
      throw new IllegalArgumentException("No such jar or directory: " + path);
    }
    // JShell then compiles against this JVM's class path and the addition (the compile jar's
    // classes, from their own jars): slower per cell, the same classes.
    shell().addToClasspath(path);
  }

  /** Runs a cell; returns the last expression's value, {@code null} for null, or {@link #NO_VALUE}. */
  public Object eval(String cell) throws CellError {
    return eval(cell, 0);
  }

  /**
   * Runs cell number {@code number} (Jupyter's execution count; stack frames in code from
   * other cells name the cell by it).
   */
  public Object eval(String cell, int number) throws CellError {
    asked = true;
    return evalLocked(cell, number);
  }

  private synchronized Object evalLocked(String cell, int number) throws CellError {
    shell();
    currentCell = number;
    Object last = NO_VALUE;
    String remaining = cell;
    control.beginCell();
    try {
      while (!remaining.isBlank()) {
        CompletionInfo info = analysis.analyzeCompletion(remaining);
        if (info.completeness() == Completeness.EMPTY) {
          break;
        }
        String source = info.completeness().isComplete() ? info.source() : remaining;
        int firstLine = lineOf(cell, startOf(source, cell, cell.length() - remaining.length()));
        remaining = info.completeness().isComplete() ? info.remaining() : "";
        // Leading blank lines confuse JShell's line numbers for methods (a division on a
        // method's third line is reported on its first): give it the snippet from its first line.
        last = evalSnippet(source.stripLeading(), cell, firstLine);
      }
      return last;
    } finally {
      control.endCell();
      control.forgetValues();
    }
  }

  private Object evalSnippet(String source, String cell, int firstLine) throws CellError {
    // As in other notebooks, a trailing semicolon hides an expression's value: display(x); shows x only.
    String stripped = source.strip();
    boolean shown = !stripped.endsWith(";");
    String declaration = ValueDeclaration.of(shown ? stripped : stripped.substring(0, stripped.length() - 1));
    Object declared = declaration == null ? NOT_DECLARED : evalDeclared(declaration, shown, firstLine);
    if (declared != NOT_DECLARED) {
      return declared;
    }
    Object value = NO_VALUE;
    List<SnippetEvent> events = shell.eval(source);
    try {
      requireNotStopped();
      for (SnippetEvent event : events) {
        if (event.causeSnippet() == null) {
          origins.put(event.snippet().id(), new Origin(currentCell, firstLine));
          value = valueOf(event, shown, cell);
        }
      }
      return value;
    } finally {
      // JShell keeps an expression's value as a variable ($1, $2...) that a notebook never
      // shows, and imports every defined one into each later compile, so each would slow
      // every later cell: once its value is taken it goes.
      for (SnippetEvent event : events) {
        Snippet snippet = event.snippet();
        if (event.causeSnippet() == null && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
            && shell.status(snippet).isDefined()) {
          shell.drop(snippet);
        }
      }
    }
  }

  /**
   * Runs an expression declared as a variable ({@link ValueDeclaration}) and returns its
   * value ({@link #NO_VALUE} if not {@code shown}), or {@link #NOT_DECLARED} if the
   * declaration is not valid as it stands (a void call after all, a compile error): then
   * nothing ran, and the snippet is evaluated as it stands, whose errors are the ones to report.
   */
  private Object evalDeclared(String declaration, boolean shown, int firstLine) throws CellError {
    List<SnippetEvent> events = shell.eval(declaration);
    try {
      requireNotStopped();
      SnippetEvent declared = events.stream().filter(event -> event.causeSnippet() == null).findFirst().orElse(null);
      if (declared == null || declared.status() != Snippet.Status.VALID) {
        return NOT_DECLARED;
      }
      origins.put(declared.snippet().id(), new Origin(currentCell, firstLine));
      if (declared.exception() != null) {
        throw runtimeError(declared.exception());
      }
      return shown ? shownValue(declared.value()) : NO_VALUE;
    } finally {
      for (SnippetEvent event : events) {
        if (event.causeSnippet() == null && shell.status(event.snippet()).isActive()) {
          shell.drop(event.snippet());
        }
      }
    }
  }

  /** Throws if the cell was interrupted while JShell compiled or ran the snippet just evaluated. */
  private void requireNotStopped() throws CellError {
    if (control.consumeStopped()) {
      throw new CellError("Interrupted", "the cell was interrupted", List.of("Interrupted: the cell was stopped."));
    }
  }

  /** The value an event shows, or {@link #NO_VALUE}; throws the snippet's compile or run error. */
  private Object valueOf(SnippetEvent event, boolean shown, String cell) throws CellError {
    Snippet snippet = event.snippet();
    if (event.status() == Snippet.Status.REJECTED) {
      throw compilationError(snippet, cell);
    }
    if (event.exception() != null) {
      throw runtimeError(event.exception());
    }
    boolean expression = (snippet instanceof ExpressionSnippet
        || (snippet instanceof VarSnippet && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND))
        && shown;
    if (!expression) {
      return NO_VALUE;
    }
    return shownValue(event.value());
  }

  /** The object behind JShell's value: the one the cell made, kept by the execution control. */
  private Object shownValue(String value) {
    Object object = control.take(value);
    return object == null ? value : object == CellExecutionControl.NULL ? null : object;
  }

  private CellError compilationError(Snippet snippet, String cell) {
    List<Diag> diagnostics = shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
    String source = snippet.source();
    int offset = Math.max(0, cell.indexOf(source.strip()));
    List<String> lines = new ArrayList<>();
    String first = null;
    for (Diag diag : diagnostics) {
      // After a restart javac names JShell's wrapper class by an empty name: "location: class" says nothing.
      String message = diag.getMessage(Locale.ROOT).replaceAll("\\n\\s*location: class\\s*(?=\\n|$)", "");
      first = first == null ? message : first;
      int start = (int) Math.max(0, diag.getStartPosition());
      int end = (int) Math.max(start + 1, Math.min(source.length(), diag.getEndPosition()));
      int lineStart = source.lastIndexOf('\n', Math.max(0, start - 1)) + 1;
      if (start == 0) {
        lineStart = 0;
      }
      int lineEnd = source.indexOf('\n', start);
      lineEnd = lineEnd < 0 ? source.length() : lineEnd;
      int lineNumber = lineOf(cell, offset + lineStart);
      lines.add("error: " + message.replace("\n", "\n  "));
      lines.add("  line " + lineNumber + ": " + source.substring(lineStart, lineEnd));
      int caretFrom = ("  line " + lineNumber + ": ").length() + (start - lineStart);
      int caretTo = Math.min(end, lineEnd) - lineStart + ("  line " + lineNumber + ": ").length();
      lines.add(" ".repeat(caretFrom) + "^".repeat(Math.max(1, caretTo - caretFrom)));
    }
    if (first == null) {
      first = "the snippet was rejected: " + source.strip();
      lines.add("error: " + first);
    }
    return new CellError("CompilationError", first, lines);
  }

  /**
   * Where a snippet starts in its cell, searching from {@code from}: by its first line,
   * without the semicolon JShell may have added to complete it.
   */
  private static int startOf(String source, String cell, int from) {
    String first = source.strip().lines().findFirst().orElse("").strip();
    first = first.endsWith(";") ? first.substring(0, first.length() - 1) : first;
    int at = first.isEmpty() ? -1 : cell.indexOf(first, from);
    return at < 0 ? from : at;
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < Math.min(index, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private CellError runtimeError(JShellException exception) {
    if (exception instanceof UnresolvedReferenceException unresolved) {
      String message = "'" + unresolved.getSnippet().source().strip() + "' uses something not declared yet";
      return new CellError("UnresolvedReference", message, List.of("error: " + message));
    }
    EvalException eval = (EvalException) exception;
    List<String> lines = new ArrayList<>();
    String name = eval.getExceptionClassName();
    describe(eval, name, lines, "");
    return new CellError(name, eval.getMessage() == null ? name : eval.getMessage(), lines);
  }

  /**
   * The exception's line, then the frames in cell code (innermost first), then one line for
   * the library frames above them, naming where it was thrown: people read their own code
   * first, and a cause thrown deep inside java.base would otherwise bury it.
   */
  private void describe(Throwable thrown, String className, List<String> lines, String prefix) {
    lines.add(prefix + className + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()));
    List<String> user = new ArrayList<>();
    List<StackTraceElement> library = new ArrayList<>();
    for (StackTraceElement frame : thrown.getStackTrace()) {
      if (isMachinery(frame)) {
        break;
      }
      if (isCell(frame)) {
        user.add("    at " + cellFrame(frame));
      } else {
        library.add(frame);
      }
    }
    if (user.isEmpty()) {
      library.forEach(frame -> lines.add("    at " + frame));
    } else {
      lines.addAll(user);
      if (!library.isEmpty()) {
        lines.add("    (thrown in " + library.get(0) + (library.size() > 1
            ? ", with " + (library.size() - 1) + " more library frame" + (library.size() > 2 ? "s" : "") : "")
            + " hidden)");
      }
    }
    Throwable cause = thrown.getCause();
    if (cause != null) {
      String causeName = cause instanceof EvalException e ? e.getExceptionClassName() : cause.getClass().getName();
      describe(cause, causeName, lines, "Caused by: ");
    }
  }

  /** The kernel's own frames below the user's code: everything from here down is noise. */
  private static boolean isMachinery(StackTraceElement frame) {
    String name = frame.getClassName();
    return name.startsWith("jdk.internal.reflect.") || name.startsWith("java.lang.reflect.Method")
        || name.startsWith("io.acquire.notebook.internal.") || name.startsWith("jdk.jshell.");
  }

  /** JShell reports cell code with an empty class name and the snippet as the file ({@code .inner(#16:1)}). */
  private static boolean isCell(StackTraceElement frame) {
    String file = frame.getFileName();
    return frame.getClassName().isEmpty() && file != null && file.startsWith("#");
  }

  /**
   * A frame in cell code as the cell line it is: JShell numbers lines from the snippet's
   * start, and a cell holds many snippets. Code from another cell names that cell.
   */
  private String cellFrame(StackTraceElement frame) {
    String method = frame.getMethodName().isEmpty() ? "the cell" : frame.getMethodName();
    String id = frame.getFileName().substring(1);
    Origin origin = origins.get(id);
    if (origin == null) {
      return method + " (snippet " + id + ", line " + frame.getLineNumber() + ")";
    }
    int line = origin.firstLine() + Math.max(frame.getLineNumber(), 1) - 1;
    return method + (origin.cell() == currentCell || origin.cell() == 0
        ? " (line " + line + ")" : " (cell [" + origin.cell() + "], line " + line + ")");
  }

  /** Completion candidates at {@code cursor}: the replacements and where they start. */
  public Completions complete(String code, int cursor) {
    asked = true;
    return completeLocked(code, cursor);
  }

  private synchronized Completions completeLocked(String code, int cursor) {
    shell();
    int[] anchor = new int[1];
    List<String> options = analysis.completionSuggestions(code, cursor, anchor).stream()
        .map(SourceCodeAnalysis.Suggestion::continuation).distinct().sorted().collect(Collectors.toList());
    return new Completions(options, anchor[0], cursor);
  }

  public record Completions(List<String> options, int start, int end) {}

  /**
   * What Shift-Tab shows for the name at {@code cursor}: a variable's type and value, or a
   * type's or method's signature (each overload) with its Javadoc where the kernel ships
   * it (Acquire's own API); null when the cursor is on nothing known.
   */
  public String inspect(String code, int cursor) {
    asked = true;
    return inspectLocked(code, cursor);
  }

  private synchronized String inspectLocked(String code, int cursor) {
    shell();
    int end = Math.min(Math.max(cursor, 0), code.length());
    while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
      end++;
    }
    int start = end;
    while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) {
      start--;
    }
    String name = code.substring(start, end);
    boolean qualified = start > 0 && code.charAt(start - 1) == '.';
    if (!name.isEmpty() && !qualified) {
      Optional<VarSnippet> variable = shell.variables().filter(v -> v.name().equals(name)
          && shell.status(v).isActive()).reduce((first, second) -> second);
      if (variable.isPresent()) {
        return describeVariable(variable.get());
      }
    }
    // A method needs its parenthesis for JShell to name it: user.requestLogin -> user.requestLogin(
    String upTo = code.substring(0, end);
    List<SourceCodeAnalysis.Documentation> found = analysis.documentation(upTo, upTo.length(), false);
    if (found.isEmpty() && !name.isEmpty()) {
      found = analysis.documentation(upTo + "(", upTo.length() + 1, false);
    }
    if (found.isEmpty()) {
      found = analysis.documentation(code, end, false);
    }
    if (found.isEmpty()) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (SourceCodeAnalysis.Documentation doc : found) {
      text.append(text.length() == 0 ? "" : "\n\n").append(doc.signature());
      String javadoc = javadocs.forSignature(doc.signature());
      if (javadoc != null && !javadoc.isBlank()) {
        text.append("\n\n").append(javadoc);
      }
    }
    return text.toString();
  }

  private String describeVariable(VarSnippet variable) {
    String value;
    try {
      value = shell.varValue(variable);
    } catch (IllegalArgumentException | IllegalStateException e) {
      value = "(not set)";
    }
    value = value.length() > 2000 ? value.substring(0, 2000) + "…" : value;
    String text = variable.name() + ": " + variable.typeName() + " = " + value;
    String javadoc = javadocs.forSignature(variable.typeName());
    return javadoc == null ? text : text + "\n\n" + variable.typeName() + ": " + javadoc;
  }

  /** {@code complete}, {@code invalid}, or the indent for the next line when incomplete. */
  public String isComplete(String code) {
    asked = true;
    return isCompleteLocked(code);
  }

  private synchronized String isCompleteLocked(String code) {
    shell();
    CompletionInfo info = analysis.analyzeCompletion(code);
    while (info.completeness().isComplete() && !info.remaining().isBlank()) {
      info = analysis.analyzeCompletion(info.remaining());
    }
    return switch (info.completeness()) {
      case COMPLETE, COMPLETE_WITH_SEMI, EMPTY -> "complete";
      case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> indentOf(code);
      case UNKNOWN -> "invalid";
    };
  }

  private static String indentOf(String code) {
    String lastLine = code.substring(code.lastIndexOf('\n') + 1);
    String indent = lastLine.substring(0, lastLine.length() - lastLine.stripLeading().length());
    return indent + "    ";
  }

  /** Stops the running cell, if any. Safe from any thread. */
  public void interrupt() {
    control.stop();
  }

  @Override
  public void close() {
    closed = true;
    asked = true;
    JShell built = shell;
    if (built != null) {
      built.close();
    }
  }
}
