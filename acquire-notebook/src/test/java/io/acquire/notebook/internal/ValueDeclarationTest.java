package io.acquire.notebook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueDeclarationTest {
  @ParameterizedTest
  @ValueSource(strings = {"1 + 1", "x", "account.balance", "a * b + c[2]", "\"s(\" + x", "'a'", "x = 3",
      "ok ? 1.5e-3 : 0x1p+4", "list.size() + 1", "this.x", "1 + 1 // one", "Money.class", "x.y >= z.w[0]"})
  void anExpressionThatIsNotACallIsDeclared(String expression) {
    assertEquals("Object " + ValueDeclaration.NAME + " = (" + expression + "\n);", ValueDeclaration.of(expression));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "foo()", "plot.show()", "(1 + 1)", "new Foo()", "new int[3]", // may be void, or not worth telling apart
      "int x = 1", "Foo x", "List<String> x = List.of()", "Foo[] xs", "var x = 1", "final int y = 2",
      "x -> x", "String::length", "(int) x", "x++", "a > b", "if (a) b", "return x", "assert x > 0",
      "class A {}", "x.class A", "import java.util.*", "a.", "x >", "@Deprecated int x", "{ x }", "x; y",
      "\"\"\"\n text\"\"\"", "\"\\u0022) + (\"", "\"unclosed", "/* open", "a)(b", "(a", "x +", "", "  "})
  void anythingElseIsLeftAsItIs(String snippet) {
    assertNull(ValueDeclaration.of(snippet), snippet);
  }
}
