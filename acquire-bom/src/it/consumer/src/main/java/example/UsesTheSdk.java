package example;

import io.acquire.client.FileVersion;
import io.acquire.client.Money;

/** Compiles only if the BOM brought acquire-client and its public types. */
public class UsesTheSdk {
  public static void main(String[] args) {
    FileVersion version = new FileVersion("a.txt", 1, 3, "00", null);
    System.out.println(version.path() + " " + Money.of("1.00", "GBP"));
  }
}
