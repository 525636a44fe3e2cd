package io.acquire.notebook.internal;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.ExpressionSnippet;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
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

/**
 * Java cells on JShell: splits a cell into snippets, runs them in this JVM, and reports
 * the last expression's value, compile errors and exceptions in a form people can read.
 * Also completion and is-complete for the front end. Not thread-safe: the kernel runs one
 * cell at a time; {@link #interrupt()} may come from another thread.
 */
public final class JavaEvaluator implements AutoCloseable {
  /** The result of a cell that ends in a statement or declaration rather than an expression. */
  public static final Object NO_VALUE = new Object();

  private final CellExecutionControl control = new CellExecutionControl();
  private final JShell shell;
  private final SourceCodeAnalysis analysis;

  public JavaEvaluator(List<String> startupImports) {
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
    this.shell = JShell.builder()
        .executionEngine(provider, Map.of())
        .compilerOptions("--class-path", System.getProperty("java.class.path"))
        .build();
    this.analysis = shell.sourceCodeAnalysis();
    for (String line : startupImports) {
      shell.eval(line);
    }
  }

  /** Makes a jar or directory available to later cells. */
  public void addToClasspath(String path) {
    if (!new File(path).exists()) {
      throw new IllegalArgumentException("No such jar or directory: " + path);
    }
    shell.addToClasspath(path);
  }

  /** Runs a cell; returns the last expression's value, {@code null} for null, or {@link #NO_VALUE}. */
  public Object eval(String cell) throws CellError {
    Object last = NO_VALUE;
    String remaining = cell;
    try {
      while (!remaining.isBlank()) {
        CompletionInfo info = analysis.analyzeCompletion(remaining);
        if (info.completeness() == Completeness.EMPTY) {
          break;
        }
        String source = info.completeness().isComplete() ? info.source() : remaining;
        remaining = info.completeness().isComplete() ? info.remaining() : "";
        last = evalSnippet(source, cell);
      }
      return last;
    } finally {
      control.forgetValues();
    }
  }

  private Object evalSnippet(String source, String cell) throws CellError {
    Object value = NO_VALUE;
    List<SnippetEvent> events = shell.eval(source);
    if (control.consumeStopped()) {
      throw new CellError("Interrupted", "the cell was interrupted", List.of("Interrupted: the cell was stopped."));
    }
    for (SnippetEvent event : events) {
      if (event.causeSnippet() != null) {
        continue;
      }
      Snippet snippet = event.snippet();
      if (event.status() == Snippet.Status.REJECTED) {
        throw compilationError(snippet, cell);
      }
      if (event.exception() != null) {
        throw runtimeError(event.exception());
      }
      // As in other notebooks, a trailing semicolon hides an expression's value: display(x); shows x only.
      boolean expression = (snippet instanceof ExpressionSnippet
          || (snippet instanceof VarSnippet && snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND))
          && !source.strip().endsWith(";");
      if (expression) {
        Object object = control.take(event.value());
        value = object == null ? event.value() : object == CellExecutionControl.NULL ? null : object;
      } else {
        value = NO_VALUE;
      }
    }
    return value;
  }

  private CellError compilationError(Snippet snippet, String cell) {
    List<Diag> diagnostics = shell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
    String source = snippet.source();
    int offset = Math.max(0, cell.indexOf(source.strip()));
    List<String> lines = new ArrayList<>();
    String first = null;
    for (Diag diag : diagnostics) {
      String message = diag.getMessage(Locale.ROOT);
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

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < Math.min(index, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static CellError runtimeError(JShellException exception) {
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

  private static void describe(Throwable thrown, String className, List<String> lines, String prefix) {
    lines.add(prefix + className + (thrown.getMessage() == null ? "" : ": " + thrown.getMessage()));
    for (StackTraceElement frame : thrown.getStackTrace()) {
      if (isMachinery(frame)) {
        break;
      }
      lines.add("    at " + userFrame(frame));
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

  /**
   * JShell reports cell code with an empty class name and the snippet as the file
   * ({@code .inner(#16:1)}); show it as the snippet and line it is.
   */
  private static String userFrame(StackTraceElement frame) {
    String file = frame.getFileName();
    if (frame.getClassName().isEmpty() && file != null && file.startsWith("#")) {
      String method = frame.getMethodName().isEmpty() ? "the cell" : frame.getMethodName();
      return method + " (snippet " + file.substring(1) + ", line " + frame.getLineNumber() + ")";
    }
    return frame.toString();
  }

  /** Completion candidates at {@code cursor}: the replacements and where they start. */
  public Completions complete(String code, int cursor) {
    int[] anchor = new int[1];
    List<String> options = analysis.completionSuggestions(code, cursor, anchor).stream()
        .map(SourceCodeAnalysis.Suggestion::continuation).distinct().sorted().collect(Collectors.toList());
    return new Completions(options, anchor[0], cursor);
  }

  public record Completions(List<String> options, int start, int end) {}

  /** {@code complete}, {@code invalid}, or the indent for the next line when incomplete. */
  public String isComplete(String code) {
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
    shell.close();
  }
}
