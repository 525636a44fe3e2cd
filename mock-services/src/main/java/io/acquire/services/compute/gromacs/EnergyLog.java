package io.acquire.services.compute.gromacs;

import io.acquire.services.compute.md.Reading;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the energy blocks of a growing {@code md.log} into readings, line by line, so they
 * can be streamed while mdrun writes them. A block is a "Step Time" header and its values,
 * then "Energies (kJ/mol)" and pairs of lines (names in 15-character columns, then values in
 * the same columns) up to a blank line. The averages section after the run looks like a
 * block too, so parsing stops for good at its banner.
 */
final class EnergyLog {
  static final int COLUMN = 15;
  private static final String AVERAGES = "A V E R A G E S";

  private enum State { SEEKING, STEP_VALUES, BETWEEN, NAMES, VALUES, DONE }

  private State state = State.SEEKING;
  private long step;
  private double time;
  private String[] names;
  private final Map<String, Double> energies = new HashMap<>();

  /** Feeds one complete line (without its line break); returns the reading it completed, if any. */
  List<Reading> accept(String line) {
    List<Reading> out = new ArrayList<>(1);
    if (state == State.DONE) {
      return out;
    }
    if (line.contains(AVERAGES)) {
      state = State.DONE;
      return out;
    }
    String trimmed = line.strip();
    switch (state) {
      case SEEKING -> {
        if (trimmed.matches("Step\\s+Time")) {
          state = State.STEP_VALUES;
        }
      }
      case STEP_VALUES -> {
        String[] parts = trimmed.split("\\s+");
        if (parts.length == 2) {
          try {
            step = Long.parseLong(parts[0]);
            time = Double.parseDouble(parts[1]);
            energies.clear();
            state = State.BETWEEN;
            break;
          } catch (NumberFormatException e) {
            // not a step line after all
          }
        }
        state = State.SEEKING;
      }
      case BETWEEN -> {
        if (trimmed.equals("Energies (kJ/mol)")) {
          state = State.NAMES;
        } else if (trimmed.matches("Step\\s+Time")) {
          state = State.STEP_VALUES;
        }
      }
      case NAMES -> {
        if (trimmed.isEmpty()) {
          complete().ifPresent(out::add);
          state = State.SEEKING;
        } else {
          names = columns(line);
          state = State.VALUES;
        }
      }
      case VALUES -> {
        String[] values = columns(line);
        for (int i = 0; i < Math.min(names.length, values.length); i++) {
          try {
            energies.put(names[i], Double.parseDouble(values[i]));
          } catch (NumberFormatException e) {
            // a column GROMACS left blank or wrote as text: not one we read
          }
        }
        state = State.NAMES;
      }
      default -> throw new IllegalStateException(state.name());
    }
    return out;
  }

  boolean finished() {
    return state == State.DONE;
  }

  private java.util.Optional<Reading> complete() {
    Double temperature = energies.get("Temperature");
    Double kinetic = energies.get("Kinetic En.");
    Double potential = energies.get("Potential");
    Double total = energies.get("Total Energy");
    if (temperature == null || kinetic == null || potential == null || total == null) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(new Reading(step, time, temperature, kinetic, potential, total));
  }

  /** Splits a line into its 15-character columns, each stripped, keeping their positions. */
  static String[] columns(String line) {
    List<String> columns = new ArrayList<>();
    for (int start = 0; start < line.length(); start += COLUMN) {
      columns.add(line.substring(start, Math.min(line.length(), start + COLUMN)).strip());
    }
    return columns.toArray(String[]::new);
  }
}
