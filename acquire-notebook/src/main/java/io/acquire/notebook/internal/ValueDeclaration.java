package io.acquire.notebook.internal;

import java.util.Set;

/**
 * A shorter way through JShell for an expression's value. JShell compiles an expression
 * five times: a parse, two attributions to learn its type, then the wrapper's analysis and
 * its compile. Declared as {@code Object $acquire$value = (expression);} it needs neither
 * attribution, since the type is given, and costs about a quarter less; a value is the same
 * object either way (a primitive boxed, as the kernel shows it anyway).
 *
 * <p>Only a void method call cannot be declared so, and nothing short of those
 * attributions tells a void call from another: so only snippets that are certainly one
 * expression and do not end in a call take this way, as told by their tokens alone (a
 * variable, a field, arithmetic on them). The evaluator falls back to the snippet as it
 * stands whenever the declaration is not valid as it is, so a wrong guess here costs time,
 * never a different result.
 */
final class ValueDeclaration {
  /** The variable the value is declared as; dropped again once its value is taken. */
  static final String NAME = "$acquire$value";

  /** Words that make a snippet something other than a plain expression, or one not worth telling apart. */
  private static final Set<String> STATEMENT_WORDS = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
      "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
      "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
      "protected", "public", "return", "short", "static", "strictfp", "switch", "synchronized", "throw", "throws",
      "transient", "try", "void", "volatile", "while");

  private ValueDeclaration() {}

  /**
   * The declaration of {@code expression}'s value as {@link #NAME}, or null if it is not
   * certainly an expression, or may be a void call.
   *
   * @param expression one complete snippet without its trailing semicolon
   */
  static String of(String expression) {
    String source = expression.strip();
    // Unicode escapes are read before anything else, even inside strings and comments:
    // they could hide a quote or a parenthesis from the tokens below.
    if (source.isEmpty() || source.contains("\\u") || source.contains("\"\"\"")) {
      return null;
    }
    int depth = 0;
    Token previous = Token.NONE;
    for (int at = 0; at < source.length(); ) {
      char c = source.charAt(at);
      if (Character.isWhitespace(c)) {
        at++;
        continue;
      }
      if (source.startsWith("//", at)) {
        int end = source.indexOf('\n', at);
        at = end < 0 ? source.length() : end;
        continue;
      }
      if (source.startsWith("/*", at)) {
        int end = source.indexOf("*/", at + 2);
        if (end < 0) {
          return null;
        }
        at = end + 2;
        continue;
      }
      Token token;
      if (c == '"' || c == '\'') {
        at = endOfQuoted(source, at);
        if (at < 0) {
          return null;
        }
        token = Token.OPERAND;
      } else if (Character.isJavaIdentifierStart(c)) {
        int start = at;
        while (at < source.length() && Character.isJavaIdentifierPart(source.charAt(at))) {
          at++;
        }
        String word = source.substring(start, at);
        if (STATEMENT_WORDS.contains(word) && !(word.equals("class") && previous == Token.DOT)) {
          return null; // Type.class is a value, class Type a declaration
        }
        token = Token.OPERAND;
      } else if (Character.isDigit(c)
          || (c == '.' && at + 1 < source.length() && Character.isDigit(source.charAt(at + 1)))) {
        at = endOfNumber(source, at);
        token = Token.OPERAND;
      } else {
        at++;
        switch (c) {
          case '(', '[' -> depth++;
          case ')', ']' -> {
            if (--depth < 0) {
              return null;
            }
          }
          // Blocks, statements, lambdas, annotations: not an expression's value to take.
          case '{', '}', ';', '@', '#', '\\' -> {
            return null;
          }
          default -> { }
        }
        token = switch (c) {
          case ')' -> Token.CLOSE;
          case ']' -> Token.CLOSE_BRACKET;
          case '>' -> Token.ANGLE;
          case '.' -> Token.DOT;
          case '-' -> at < source.length() && source.charAt(at) == '>' ? null : Token.OPERATOR;
          case ':' -> at < source.length() && source.charAt(at) == ':' ? null : Token.OPERATOR;
          default -> Token.OPERATOR;
        };
        if (token == null) {
          return null; // a lambda or a method reference
        }
      }
      // Two operands in a row declare something (Type name), as a type's > or ] before a name does.
      if (token == Token.OPERAND && (previous == Token.OPERAND || previous == Token.CLOSE_BRACKET
          || previous == Token.ANGLE || previous == Token.CLOSE)) {
        return null;
      }
      previous = token;
    }
    // Ending in a parenthesis, it may be a call, and a call may be void.
    if (depth != 0 || previous != Token.OPERAND && previous != Token.CLOSE_BRACKET) {
      return null;
    }
    // The line break ends a trailing // comment before the parenthesis does.
    return "Object " + NAME + " = (" + source + "\n);";
  }

  private enum Token { NONE, OPERAND, OPERATOR, DOT, CLOSE, CLOSE_BRACKET, ANGLE }

  /** Just past the string or character literal starting at {@code at}, or -1 if it does not end on its line. */
  private static int endOfQuoted(String source, int at) {
    char quote = source.charAt(at);
    for (int i = at + 1; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == quote) {
        return i + 1;
      } else if (c == '\n' || c == '\r') {
        return -1;
      }
    }
    return -1;
  }

  /** Just past the number starting at {@code at}: digits, letters, dots, underscores, an exponent's sign. */
  private static int endOfNumber(String source, int at) {
    int i = at;
    boolean hex = source.startsWith("0x", at) || source.startsWith("0X", at);
    while (i < source.length()) {
      char c = source.charAt(i);
      char before = source.charAt(i - 1 < at ? at : i - 1);
      boolean exponentSign = (c == '+' || c == '-') && i > at
          && (hex ? before == 'p' || before == 'P' : before == 'e' || before == 'E');
      if (!(Character.isLetterOrDigit(c) || c == '.' || c == '_' || exponentSign)) {
        break;
      }
      i++;
    }
    return i;
  }
}
