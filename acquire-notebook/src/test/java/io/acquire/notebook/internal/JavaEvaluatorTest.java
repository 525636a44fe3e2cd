package io.acquire.notebook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JavaEvaluatorTest {
  private static JavaEvaluator java;

  @BeforeAll
  static void start() {
    java = new JavaEvaluator(List.of("import java.util.*;"));
  }

  @AfterAll
  static void stop() {
    java.close();
  }

  @Test
  void aWarmUpRunsItsSnippetsAndLeavesNoTraceForCells() throws Exception {
    try (JavaEvaluator fresh = new JavaEvaluator(List.of("import java.util.*;"))) {
      assertEquals(4, fresh.warmUp(4));
      // Its declarations were dropped again.
      assertEquals(3, fresh.eval("List.of(1, 2, 3).size()"));
      CellError gone = assertThrows(CellError.class, () -> fresh.eval("acquireWarmUp0 + 1"));
      assertTrue(String.join("\n", gone.lines()).contains("acquireWarmUp0"), gone.lines().toString());
      assertEquals(0, fresh.warmUp(4), "a warm-up after the first request does nothing");
    }
  }

  @Test
  void anExpressionsValueIsNotKeptAsAJShellVariable() throws Exception {
    try (JavaEvaluator fresh = new JavaEvaluator(List.of())) {
      assertEquals(42, fresh.eval("40 + 2"));
      CellError gone = assertThrows(CellError.class, () -> fresh.eval("$1"));
      assertTrue(String.join("\n", gone.lines()).contains("$1"), gone.lines().toString());
      assertEquals(43, fresh.eval("int kept = 43;\nkept"), "declared variables stay");
      assertEquals(44, fresh.eval("kept + 1"));
    }
  }

  @Test
  void aFirstCellWithoutAWarmUpHasTheStartUpImports() throws Exception {
    try (JavaEvaluator fresh = new JavaEvaluator(List.of("import java.util.*;"))) {
      assertEquals(2, fresh.eval("new ArrayList<>(List.of(1, 2)).size()"));
    }
  }

  @Test
  void lastExpressionIsTheResultAsTheObjectItself() throws Exception {
    Object result = java.eval("int x = 20;\nx + 22");
    assertEquals(42, result);
    Object list = java.eval("List.of(1, 2, 3)");
    assertTrue(list instanceof List<?>, "renderers need the object, not its toString: " + list.getClass());
  }

  @Test
  void statementsAndDeclarationsHaveNoValue() throws Exception {
    assertSame(JavaEvaluator.NO_VALUE, java.eval("int y = 5;"));
    assertSame(JavaEvaluator.NO_VALUE, java.eval("y = y + 1;\nSystem.out.print(\"\");"));
    assertEquals(6, java.eval("y"));
  }

  @Test
  void aTrailingSemicolonHidesTheValue() throws Exception {
    assertSame(JavaEvaluator.NO_VALUE, java.eval("40 + 2;"));
    assertEquals(42, java.eval("40 + 2"));
  }

  @Test
  void nullExpressionIsNull() throws Exception {
    assertNull(java.eval("(String) null"));
  }

  @Test
  void declarationsPersistAcrossCells() throws Exception {
    java.eval("String greet(String who) { return \"hello \" + who; }");
    assertEquals("hello ada", java.eval("greet(\"ada\")"));
  }

  @Test
  void compileErrorsShowTheLineTheMessageAndACaret() {
    CellError error = assertThrows(CellError.class, () -> java.eval("int a = 1;\nint b = a + missing;"));
    assertEquals("CompilationError", error.name());
    assertTrue(error.getMessage().contains("cannot find symbol"), error.getMessage());
    String text = String.join("\n", error.lines());
    assertTrue(text.contains("line 2: int b = a + missing;"), text);
    assertTrue(text.contains("^^^^^^^"), text);
    assertTrue(text.lines().noneMatch(line -> line.strip().equals("location: class")),
        "javac names JShell's wrapper class by an empty name; that line says nothing: " + text);
  }

  @Test
  void exceptionsShowTheUsersFramesFirstAndNoKernelInternals() {
    CellError error = assertThrows(CellError.class, () -> java.eval(
        "void inner() { throw new IllegalStateException(\"boom\"); }\nvoid outer() { inner(); }\nouter();"));
    assertEquals("java.lang.IllegalStateException", error.name());
    assertEquals("boom", error.getMessage());
    String text = String.join("\n", error.lines());
    assertTrue(text.startsWith("java.lang.IllegalStateException: boom"), text);
    assertTrue(text.contains("at inner (line 1)"), text);
    assertTrue(text.indexOf("at inner") < text.indexOf("at outer"), "innermost frame first: " + text);
    assertTrue(text.contains("at the cell (line 3)"), text);
    assertTrue(!text.contains("jdk.jshell") && !text.contains("io.acquire.notebook.internal")
        && !text.contains("reflect"), text);
  }

  @Test
  void framesNameTheCellsOwnLinesWhenAMethodIsNotTheCellsFirstSnippet() {
    CellError error = assertThrows(CellError.class, () -> java.eval(
        "int a = 1;\n"
        + "int divide(int x) {\n"
        + "  int zero = 0;\n"
        + "  return x / zero;\n"
        + "}\n"
        + "\n"
        + "divide(a)", 7));
    String text = String.join("\n", error.lines());
    assertTrue(text.contains("at divide (line 4)"), text);
    assertTrue(text.contains("at the cell (line 7)"), text);
  }

  @Test
  void framesInCodeFromAnEarlierCellNameThatCell() throws Exception {
    java.eval("String word = \"x\";\nint parse(String s) {\n  return Integer.parseInt(s);\n}", 3);
    CellError error = assertThrows(CellError.class, () -> java.eval("\nparse(word)", 4));
    String text = String.join("\n", error.lines());
    assertTrue(text.contains("at parse (cell [3], line 3)"), text);
    assertTrue(text.contains("at the cell (line 2)"), text);
  }

  @Test
  void theUsersFramesComeBeforeTheLibraryFramesAboveThem() {
    CellError error = assertThrows(CellError.class, () -> java.eval(
        "int number(String s) { return Integer.parseInt(s); }\n"
        + "try { number(\"x\"); } catch (NumberFormatException e) { throw new RuntimeException(\"bad input\", e); }"));
    List<String> lines = error.lines();
    int cause = lines.indexOf(lines.stream().filter(l -> l.startsWith("Caused by: java.lang.NumberFormatException"))
        .findFirst().orElseThrow(() -> new AssertionError(lines)));
    assertTrue(lines.get(cause + 1).contains("at number (line 1)"), "the user's frame first: " + lines);
    assertTrue(lines.get(cause + 2).contains("at the cell (line 2)"), lines.toString());
    assertTrue(lines.get(cause + 3).matches(" *\\(thrown in .*java.lang.NumberFormatException.forInputString.*, with \\d+ more library frames? hidden\\)"),
        lines.toString());
    assertEquals(cause + 4, lines.size(), "library frames fold into one line: " + lines);
  }

  @Test
  void causesAreShown() {
    CellError error = assertThrows(CellError.class, () -> java.eval(
        "throw new RuntimeException(\"outer\", new java.io.IOException(\"disk\"));"));
    assertTrue(String.join("\n", error.lines()).contains("Caused by: java.io.IOException: disk"), error.lines().toString());
  }

  @Test
  void completionFindsTypesAndMembers() {
    JavaEvaluator.Completions types = java.complete("Strin", 5);
    assertTrue(types.options().contains("String"), types.options().toString());
    assertEquals(0, types.start());
    JavaEvaluator.Completions members = java.complete("\"abc\".toUpp", 11);
    assertTrue(members.options().contains("toUpperCase("), members.options().toString());
    assertEquals(6, members.start());
  }

  @Test
  void inspectingAVariableShowsItsTypeAndValue() throws Exception {
    java.eval("List<Integer> primes = List.of(2, 3, 5);");
    String text = java.inspect("primes.size()", 3);
    assertTrue(text.startsWith("primes: List<Integer> = [2, 3, 5]"), text);
  }

  @Test
  void inspectingAnSdkMethodShowsItsSignatureAndJavadoc() throws Exception {
    java.eval("import io.acquire.client.*;");
    java.eval("User user = null;");
    String text = java.inspect("user.requestLogin", 10);
    assertTrue(text.startsWith("LoginRequest User.requestLogin()"), text);
    assertTrue(text.contains("Starts a login with a fresh session key"), text);
    assertTrue(text.contains("then call waitForLogin"), "inline tags are unwrapped: " + text);
    String money = java.inspect("Money.of(", 9);
    assertTrue(money.contains("Money Money.of(String amount, String currency)"), money);
  }

  @Test
  void inspectingAnSdkTypeShowsItsJavadoc() {
    String text = java.inspect("io.acquire.client.User", 20);
    assertTrue(text.startsWith("io.acquire.client.User"), text);
    assertTrue(text.contains("Thread-safe."), text);
    assertTrue(!text.contains("<p>"), "HTML is reduced to text: " + text);
  }

  @Test
  void inspectingNothingKnownFindsNothing() {
    assertNull(java.inspect("   ", 1));
    assertNull(java.inspect("noSuchName", 4));
  }

  @Test
  void isCompleteKnowsOpenBlocksFromFinishedCode() {
    assertEquals("complete", java.isComplete("1 + 1"));
    assertEquals("complete", java.isComplete("int z = 3;\nz * 2"));
    assertTrue(java.isComplete("for (int i = 0; i < 3; i++) {").isBlank(), "an indent means incomplete");
    assertTrue(java.isComplete("void f() {\n  if (true) {").startsWith("      "), "indent follows the last line");
  }

  @Test
  void interruptStopsABusyLoopAndASleep() throws Exception {
    for (String cell : List.of("while (true) { }", "Thread.sleep(100_000);")) {
      CompletableFuture<Throwable> running = CompletableFuture.supplyAsync(() -> {
        try {
          java.eval(cell);
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      // As a user would, press interrupt again until the cell ends: on a loaded machine the
      // first may come before the cell's evaluation has even begun, and then there is nothing to stop.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!running.isDone() && System.nanoTime() < deadline) {
        Thread.sleep(500);
        java.interrupt();
      }
      Throwable outcome = running.get(10, TimeUnit.SECONDS);
      assertTrue(outcome instanceof CellError error && error.name().equals("Interrupted"),
          "the cell must end as interrupted: " + cell + " gave " + outcome);
    }
    assertEquals(2, java.eval("1 + 1"), "the kernel keeps working after an interrupt");
  }

  @Test
  void anExpressionTakenAsADeclarationRunsOnceAndLeavesNoVariable() throws Exception {
    java.eval("int counted = 0;");
    assertEquals(5, java.eval("counted = counted + 5"), "an assignment shows its value");
    assertEquals(5, java.eval("counted"), "and ran once");
    assertEquals("ab", java.eval("\"a\" + \"b\" // a comment after the expression"));
    assertEquals('x', java.eval("'x'"), "a char stays a char");
    CellError gone = assertThrows(CellError.class, () -> java.eval("Object seen = " + ValueDeclaration.NAME + ";"));
    assertTrue(gone.getMessage().contains("cannot find symbol"), gone.getMessage());
    assertNull(java.eval("String nothing = null;\nnothing"), "a null value is null");
  }

  @Test
  void aNonCallExpressionThatDoesNotCompileReportsItsOwnErrorAndLeavesNothingBehind() throws Exception {
    CellError error = assertThrows(CellError.class, () -> java.eval("int b = 2;\nlaterDeclared + b"));
    assertEquals("CompilationError", error.name());
    String text = String.join("\n", error.lines());
    assertTrue(text.contains("cannot find symbol") && text.contains("line 2: laterDeclared + b"), text);
    assertTrue(!text.contains(ValueDeclaration.NAME), "the declaration stays out of the message: " + text);
    // The declaration JShell kept waiting for laterDeclared was dropped: defining it runs nothing.
    assertSame(JavaEvaluator.NO_VALUE, java.eval("int laterDeclared = 40;"));
    assertThrows(CellError.class, () -> java.eval("Object seen = " + ValueDeclaration.NAME + ";"));
    assertEquals(42, java.eval("laterDeclared + b"));
  }

  @Test
  void anExceptionInADeclaredExpressionNamesTheCellsLine() {
    CellError error = assertThrows(CellError.class, () -> java.eval("int zero = 0;\n\n10 /\n  zero", 7));
    assertEquals("java.lang.ArithmeticException", error.name());
    String text = String.join("\n", error.lines());
    assertTrue(text.contains("at the cell (line 3)"), text);
  }
}
