package io.acquire.services.compute.md;

/**
 * What a simulation reports each interval: time (ps), temperature (K) and energies (kJ/mol).
 * (Not "Record": that name would clash with {@code java.lang.Record} under wildcard imports in notebooks.)
 */
public record Reading(long step, double time, double temperature, double kinetic, double potential, double total) {
  public static final String CSV_HEADER = "time_ps,temperature_K,kinetic_kJmol,potential_kJmol,total_kJmol";

  public String csv() {
    return String.format(java.util.Locale.ROOT, "%.4f,%.4f,%.6f,%.6f,%.6f", time, temperature, kinetic, potential, total);
  }
}
