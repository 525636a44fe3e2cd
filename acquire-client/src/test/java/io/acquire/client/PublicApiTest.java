package io.acquire.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.wire.StorageWire;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code import io.acquire.client.*} must declare every type the SDK's public methods take
 * or give: the wire records and internal helpers may change with the protocol, so none of
 * them may leak into a public signature.
 */
class PublicApiTest {

  @Test
  void noPublicSignatureOfThePublicPackageNamesAWireOrInternalType() throws Exception {
    List<Class<?>> types = publicTypes();
    assertTrue(types.size() > 30, "expected the SDK's public types, found " + types);
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : types) {
      leaks.addAll(leaks(type));
    }
    assertEquals(List.of(), leaks, "public signatures that name io.acquire.client.wire or .internal types");
  }

  @Test
  void theReturnedRecordsArePublicTypesOfThePublicPackage() throws Exception {
    for (String name : List.of("FileVersion", "StatementLine", "AccountSummary", "Receipt", "PriceList",
        "BudgetSummary", "MemberBudget", "ClosedBudget", "AccessRule", "AccessEntry", "StorageCharge",
        "StoragePayment", "Totp")) {
      Class<?> type = Class.forName("io.acquire.client." + name);
      assertTrue(Modifier.isPublic(type.getModifiers()) && Modifier.isFinal(type.getModifiers()),
          name + " should be public and final (immutable)");
    }
  }

  @Test
  void theCheckFindsAWireTypeHiddenInAGenericSignature() {
    assertEquals(List.of(Leaky.class.getName() + ".files: " + StorageWire.FileVersion.class.getName(),
        Leaky.class.getName() + ".take: " + StorageWire.FileVersion.class.getName()), leaks(Leaky.class));
  }

  @Test
  void theCheckIgnoresMembersThatAreNotPublic() {
    assertEquals(List.of(), leaks(Hidden.class));
  }

  /** A public type that leaks a wire record through a type argument and a wildcard bound. */
  public static final class Leaky {
    public Map<String, List<StorageWire.FileVersion>> files() {
      return Map.of();
    }

    public void take(List<? extends StorageWire.FileVersion> versions) {}
  }

  /** A public type whose wire types stay package-private. */
  public static final class Hidden {
    StorageWire.FileVersion version() {
      return null;
    }
  }

  /** The public top-level and nested types of io.acquire.client, read from the compiled classes. */
  private static List<Class<?>> publicTypes() throws IOException, URISyntaxException, ClassNotFoundException {
    Path root = Path.of(Money.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = root.resolve("io/acquire/client");
    List<Class<?>> types = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
        String simple = file.getFileName().toString().replace(".class", "");
        Class<?> type = Class.forName("io.acquire.client." + simple, false, PublicApiTest.class.getClassLoader());
        if (visible(type)) {
          types.add(type);
        }
      }
    }
    return types;
  }

  private static boolean visible(Class<?> type) {
    for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  /** Each public or protected member of {@code type} that names a hidden type, as "Type.member: hidden". */
  private static List<String> leaks(Class<?> type) {
    List<String> found = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    members.addAll(List.of(type.getDeclaredMethods()));
    members.addAll(List.of(type.getDeclaredConstructors()));
    members.addAll(List.of(type.getDeclaredFields()));
    for (Member member : members) {
      int modifiers = member.getModifiers();
      boolean reachable = Modifier.isPublic(modifiers)
          || Modifier.isProtected(modifiers) && !Modifier.isFinal(type.getModifiers());
      if (!reachable || member.isSynthetic()) {
        continue;
      }
      List<Type> named = new ArrayList<>();
      if (member instanceof Method method) {
        named.add(method.getGenericReturnType());
      }
      if (member instanceof Executable executable) {
        named.addAll(List.of(executable.getGenericParameterTypes()));
        named.addAll(List.of(executable.getGenericExceptionTypes()));
        named.addAll(List.of(executable.getTypeParameters()));
      }
      if (member instanceof Field field) {
        named.add(field.getGenericType());
      }
      String name = member instanceof Constructor<?> ? "<init>" : member.getName();
      Set<String> hidden = new HashSet<>();
      named.forEach(t -> collectHidden(t, hidden, new HashSet<>()));
      hidden.stream().sorted().forEach(h -> found.add(type.getName() + "." + name + ": " + h));
    }
    List<Type> supertypes = new ArrayList<>(List.of(type.getGenericInterfaces()));
    if (type.getGenericSuperclass() != null) {
      supertypes.add(type.getGenericSuperclass());
    }
    Set<String> hidden = new HashSet<>();
    supertypes.forEach(t -> collectHidden(t, hidden, new HashSet<>()));
    hidden.stream().sorted().forEach(h -> found.add(type.getName() + " extends " + h));
    found.sort(null);
    return found;
  }

  private static void collectHidden(Type type, Set<String> hidden, Set<Type> seen) {
    if (!seen.add(type)) {
      return;
    }
    if (type instanceof Class<?> c) {
      Class<?> element = c;
      while (element.isArray()) {
        element = element.getComponentType();
      }
      String name = element.getName();
      if (name.startsWith("io.acquire.client.wire.") || name.startsWith("io.acquire.client.internal.")) {
        hidden.add(name);
      }
    } else if (type instanceof ParameterizedType p) {
      collectHidden(p.getRawType(), hidden, seen);
      for (Type argument : p.getActualTypeArguments()) {
        collectHidden(argument, hidden, seen);
      }
    } else if (type instanceof WildcardType w) {
      for (Type bound : w.getUpperBounds()) {
        collectHidden(bound, hidden, seen);
      }
      for (Type bound : w.getLowerBounds()) {
        collectHidden(bound, hidden, seen);
      }
    } else if (type instanceof GenericArrayType a) {
      collectHidden(a.getGenericComponentType(), hidden, seen);
    } else if (type instanceof TypeVariable<?> v) {
      for (Type bound : v.getBounds()) {
        collectHidden(bound, hidden, seen);
      }
    }
  }
}
