package io.github.spencerpark.ijava;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.LanguageInfo;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.util.GlobFinder;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * The smallest IJava-like kernel: cells run as JShell snippets in this JVM, a cell's last
 * expression is shown through the base library's renderer, and {@code %jars} adds jars
 * (globs allowed) to the class path as IJava's magic does. Nothing else.
 */
public final class JavaKernel extends BaseKernel {
  private final ValueKeeper control = new ValueKeeper();
  private final JShell shell;
  private final LanguageInfo languageInfo = new LanguageInfo.Builder("Java").version(Runtime.version().toString())
      .mimetype("text/x-java-source").fileExtension(".jshell").pygments("java").codemirror("java").build();

  JavaKernel() {
    shell = JShell.builder().executionEngine(control, Map.of()).build();
  }

  @Override
  public LanguageInfo getLanguageInfo() {
    return languageInfo;
  }

  @Override
  public DisplayData eval(String cell) throws Exception {
    StringBuilder code = new StringBuilder();
    for (String line : cell.split("\n", -1)) {
      if (line.startsWith("%jars ")) {
        addJars(line.substring("%jars ".length()).trim().split("\\s+"));
      } else {
        code.append(line).append('\n');
      }
    }
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String rest = code.toString();
    Object value = null;
    boolean shown = false;
    while (!rest.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
      String source = info.completeness().isComplete() ? info.source() : rest;
      rest = info.completeness().isComplete() ? info.remaining() : "";
      control.last = null;
      shown = false;
      for (SnippetEvent event : shell.eval(source)) {
        if (event.exception() != null) {
          throw event.exception();
        }
        if (event.status() == Snippet.Status.REJECTED) {
          throw new IllegalArgumentException(shell.diagnostics(event.snippet())
              .map(d -> d.getMessage(null)).collect(Collectors.joining("\n")) + "\nin: " + source.strip());
        }
        if (event.causeSnippet() == null) {
          Snippet.SubKind kind = event.snippet().subKind();
          shown = kind.kind() == Snippet.Kind.EXPRESSION || kind == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
        }
      }
      value = control.last;
    }
    return shown && value != null ? getRenderer().render(value) : null;
  }

  private void addJars(String[] globs) throws Exception {
    List<Path> jars = new ArrayList<>();
    for (String glob : globs) {
      new GlobFinder(glob).computeMatchingFiles().forEach(jars::add);
    }
    if (jars.isEmpty()) {
      throw new IllegalArgumentException("%jars matched no files: " + String.join(" ", globs));
    }
    jars.forEach(jar -> shell.addToClasspath(jar.toAbsolutePath().toString()));
  }

  @Override
  public void onShutdown(boolean isRestarting) {
    shell.close();
  }

  /** Runs snippets in this JVM and keeps the last one's value as an object, for the renderer. */
  private static final class ValueKeeper extends DirectExecutionControl implements ExecutionControlProvider {
    volatile Object last;

    @Override
    public String name() {
      return "stock";
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
      return this;
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
      last = doitMethod.invoke(null);
      return String.valueOf(last);
    }
  }
}
