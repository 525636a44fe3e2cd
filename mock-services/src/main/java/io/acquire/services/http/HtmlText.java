package io.acquire.services.http;

/** Text made safe to place in HTML, in element content and in quoted attribute values alike. */
public final class HtmlText {
  private HtmlText() {}

  /** Escapes the five characters HTML gives meaning to; other control characters than newline become spaces; null is empty. */
  public static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c < 0x20 && c != '\n' ? ' ' : c);
      }
    }
    return out.toString();
  }
}
