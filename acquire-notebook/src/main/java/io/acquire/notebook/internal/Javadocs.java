package io.acquire.notebook.internal;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;

/**
 * The Javadoc of Acquire's public types and methods, read from the sources the kernel jar
 * ships under {@value #ROOT} (the build copies them there; JShell itself finds Javadoc only
 * in the JDK's src.zip). Given a signature as JShell's documentation reports it
 * ({@code LoginRequest User.requestLogin()}, {@code io.acquire.client.User}), returns the
 * comment as plain text, or null for anything else.
 */
final class Javadocs {
  static final String ROOT = "acquire-sources/";
  private static final List<String> PACKAGES = List.of("io/acquire/client/", "io/acquire/client/wire/",
      "io/acquire/notebook/");

  private final ClassLoader loader;
  private final Map<String, Optional<Source>> parsed = new ConcurrentHashMap<>();

  private record Source(CompilationUnitTree unit, DocTrees trees) {}

  Javadocs(ClassLoader loader) {
    this.loader = loader;
  }

  /** The Javadoc for a type or method signature, as text; null when there is none. */
  String forSignature(String signature) {
    int paren = signature.indexOf('(');
    if (paren < 0) {
      return forType(signature.strip());
    }
    String head = signature.substring(0, paren).strip();
    String qualified = head.substring(head.lastIndexOf(' ') + 1);
    int dot = qualified.lastIndexOf('.');
    if (dot < 0) {
      return null;
    }
    String owner = qualified.substring(0, dot);
    String method = qualified.substring(dot + 1);
    List<String> parameters = parameterTypes(signature.substring(paren + 1, signature.lastIndexOf(')')));
    return find(owner, (source, path) -> {
      for (Tree member : ((ClassTree) path.getLeaf()).getMembers()) {
        if (member instanceof MethodTree m && m.getName().contentEquals(method)
            && simpleNames(m.getParameters()).equals(parameters)) {
          return render(source.trees().getDocCommentTree(new TreePath(path, member)));
        }
      }
      return null;
    });
  }

  private String forType(String type) {
    return find(erase(type), (source, path) -> render(source.trees().getDocCommentTree(path)));
  }

  private interface Lookup {
    String in(Source source, TreePath classPath);
  }

  /** Finds the class {@code owner} (simple, nested or qualified) in the shipped sources and looks inside it. */
  private String find(String owner, Lookup lookup) {
    List<String> names = new ArrayList<>();
    for (String part : owner.split("\\.")) {
      if (!part.isEmpty() && (Character.isUpperCase(part.charAt(0)) || !names.isEmpty())) {
        names.add(part);
      }
    }
    if (names.isEmpty()) {
      return null;
    }
    for (String pkg : PACKAGES) {
      Optional<Source> source = parsed.computeIfAbsent(pkg + names.get(0), this::parse);
      if (source.isEmpty()) {
        continue;
      }
      TreePath path = null;
      for (Tree top : source.get().unit().getTypeDecls()) {
        if (top instanceof ClassTree c && c.getSimpleName().contentEquals(names.get(0))) {
          path = new TreePath(new TreePath(source.get().unit()), top);
        }
      }
      for (int i = 1; i < names.size() && path != null; i++) {
        TreePath inner = null;
        for (Tree member : ((ClassTree) path.getLeaf()).getMembers()) {
          if (member instanceof ClassTree c && c.getSimpleName().contentEquals(names.get(i))) {
            inner = new TreePath(path, member);
          }
        }
        path = inner;
      }
      if (path != null) {
        return lookup.in(source.get(), path);
      }
    }
    return null;
  }

  private Optional<Source> parse(String file) {
    try (InputStream in = loader.getResourceAsStream(ROOT + file + ".java")) {
      if (in == null) {
        return Optional.empty();
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      JavaFileObject object = new SimpleJavaFileObject(URI.create("string:///" + file + ".java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return text;
        }
      };
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      JavacTask task = (JavacTask) javac.getTask(null, null, d -> { }, List.of("-proc:none"), null, List.of(object));
      CompilationUnitTree unit = task.parse().iterator().next();
      return Optional.of(new Source(unit, DocTrees.instance(task)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** "String amount, java.time.Duration timeout" as [String, Duration]. */
  private static List<String> parameterTypes(String list) {
    List<String> types = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char c : (list + ",").toCharArray()) {
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        String parameter = current.toString().strip();
        if (!parameter.isEmpty()) {
          int space = parameter.lastIndexOf(' ');
          types.add(simple(space < 0 ? parameter : parameter.substring(0, space)));
        }
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    return types;
  }

  private static List<String> simpleNames(List<? extends VariableTree> parameters) {
    return parameters.stream().map(p -> simple(p.getType().toString())).toList();
  }

  private static String simple(String type) {
    String erased = erase(type.strip()).replace("...", "[]");
    return erased.substring(erased.lastIndexOf('.', erased.endsWith("[]") ? erased.length() - 3 : erased.length()) + 1);
  }

  private static String erase(String type) {
    return type.replaceAll("<.*>", "").strip();
  }

  private static final Pattern INLINE = Pattern.compile("\\{@(code|literal|link|linkplain|value)\\s*([^}]*)}");

  /** A doc comment as text: inline tags unwrapped, HTML reduced to line breaks, block tags as sections. */
  static String render(DocCommentTree comment) {
    if (comment == null) {
      return null;
    }
    StringBuilder text = new StringBuilder(plain(comment.getFullBody().stream().map(Object::toString)
        .collect(Collectors.joining())));
    String parameters = "";
    for (var tag : comment.getBlockTags()) {
      String block = plain(tag.toString()).strip();
      if (block.startsWith("@param")) {
        parameters += "\n  " + block.substring("@param".length()).strip();
      } else if (block.startsWith("@return")) {
        text.append("\n\nReturns: ").append(block.substring("@return".length()).strip());
      } else if (block.startsWith("@throws") || block.startsWith("@exception")) {
        text.append("\n\nThrows: ").append(block.substring(block.indexOf(' ') + 1).strip());
      } else if (block.startsWith("@see")) {
        text.append("\n\nSee: ").append(block.substring("@see".length()).strip());
      }
    }
    if (!parameters.isEmpty()) {
      text.append("\n\nParameters:").append(parameters);
    }
    return text.toString().strip();
  }

  private static String plain(String html) {
    Matcher inline = INLINE.matcher(html);
    StringBuilder out = new StringBuilder();
    while (inline.find()) {
      String body = inline.group(2).strip();
      if (inline.group(1).startsWith("link")) {
        int space = body.indexOf(' ');
        body = space > 0 && !body.substring(0, space).contains("(") ? body.substring(space + 1)
            : body.replaceFirst("^#", "").replace('#', '.');
      }
      inline.appendReplacement(out, Matcher.quoteReplacement(body));
    }
    inline.appendTail(out);
    return out.toString()
        .replaceAll("(?i)<p>\\s*", "\n\n").replaceAll("(?i)<li>\\s*", "\n- ").replaceAll("(?i)</?(ul|ol)>", "\n")
        .replaceAll("(?i)<pre>", "\n").replaceAll("(?i)</pre>", "\n").replaceAll("<[^>]+>", "")
        .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("&#64;", "@")
        .replaceAll("\n[ \t]+", "\n").replaceAll("\n{3,}", "\n\n");
  }
}
