package io.acquire.notebook.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager.ResultFlag;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CellHistoryTest {
  private static final Set<ResultFlag> NONE = EnumSet.noneOf(ResultFlag.class);

  private static CellHistory ran(String... inputs) {
    CellHistory history = new CellHistory();
    for (int i = 0; i < inputs.length; i++) {
      history.input(i + 1, inputs[i]);
      history.output(i + 1, "out " + (i + 1));
    }
    return history;
  }

  private static List<String> inputs(List<HistoryEntry> entries) {
    return entries.stream().map(HistoryEntry::getInput).toList();
  }

  @Test
  void tailGivesTheLastCellsOldestFirst() {
    List<HistoryEntry> tail = ran("a", "b", "c").lookupTail(2, NONE);
    assertEquals(List.of("b", "c"), inputs(tail));
    assertEquals(2, tail.get(0).getCellNumber());
    assertEquals(CellHistory.SESSION, tail.get(0).getSession());
  }

  @Test
  void rangeIsFromStartUpToButNotIncludingStopAndOnlyForThisSession() {
    CellHistory history = ran("a", "b", "c", "d");
    assertEquals(List.of("b", "c"), inputs(history.lookupRange(CellHistory.SESSION, 2, 4, NONE)));
    assertEquals(List.of("b", "c", "d"), inputs(history.lookupRange(0, 2, 0, NONE)), "no stop: to the end");
    assertTrue(history.lookupRange(7, 1, 3, NONE).isEmpty(), "an earlier kernel's session has no history here");
  }

  @Test
  void searchMatchesGlobsKeepsTheLastNAndCanDropRepeats() {
    CellHistory history = ran("6 * 7", "x = 1", "6 * 7", "6 + 7", "6 * 7");
    assertEquals(List.of("6 * 7", "6 + 7", "6 * 7"), inputs(history.search("6 ? 7", 3, NONE)));
    assertEquals(List.of("6 + 7", "6 * 7"), inputs(history.search("6 ? 7", 0, EnumSet.of(ResultFlag.UNIQUE))));
    assertEquals(List.of("x = 1"), inputs(history.search("x*", 0, NONE)));
  }

  @Test
  void withOutputEachEntryCarriesItsOutputOrNull() {
    CellHistory history = ran("1 + 1");
    history.input(2, "int y = 3;");
    List<HistoryEntry> entries = history.lookupTail(2, EnumSet.of(ResultFlag.INCLUDE_OUTPUT));
    assertEquals("out 1", entries.get(0).getOutput());
    assertTrue(entries.get(1).hasOutput(), "the pair is sent even without output");
    assertNull(entries.get(1).getOutput());
  }
}
