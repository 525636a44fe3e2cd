package io.acquire.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MolecularSystemTest {
  static final String TWO_FRAMES = """
      2
      Lattice="10.0 0 0 0 12.0 0 0 0 14.0" Properties=species:S:1:pos:R:3 Time=0.5 Frame=3
      Ar 1.0 2.0 3.0
      Ar 4.0 5.0 6.0
      1
      water's oxygen, plain XYZ
      O 0.1 0.2 0.3
      """;

  @Test
  void readsExtendedAndPlainXyzFrames() {
    List<MolecularSystem> frames = MolecularSystem.readXyz(TWO_FRAMES);
    assertEquals(2, frames.size());
    MolecularSystem first = frames.get(0);
    assertEquals(2, first.atomCount());
    assertEquals("Ar", first.element(1));
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, first.positions());
    assertArrayEquals(new double[] {10, 12, 14}, first.box());
    assertEquals(3, first.frame());
    assertEquals(0.5, first.time().orElseThrow().picoseconds());
    MolecularSystem second = frames.get(1);
    assertEquals(1, second.frame(), "numbered by position without Frame=");
    assertEquals(0, second.box().length);
    assertTrue(second.time().isEmpty());
    assertEquals("MolecularSystem[2 atoms, frame 3, 0.5 ps, box 10.00 × 12.00 × 14.00 Å]", first.toString());
  }

  @Test
  void toXyzReadsBackAsTheSameFrame() {
    for (MolecularSystem frame : MolecularSystem.readXyz(TWO_FRAMES)) {
      assertEquals(List.of(frame), MolecularSystem.readXyz(frame.toXyz()));
    }
  }

  @Test
  void returnedArraysAreCopies() {
    MolecularSystem frame = MolecularSystem.readXyz(TWO_FRAMES).get(0);
    frame.positions()[0] = 99;
    frame.box()[0] = 99;
    assertEquals(1.0, frame.positions()[0]);
    assertEquals(10.0, frame.box()[0]);
  }

  @Test
  void malformedTextNamesTheLineAndWhatItShouldBe() {
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
        () -> MolecularSystem.readXyz("two\ncomment\n"));
    assertEquals("XYZ line 1 should be an atom count, not 'two'.", count.getMessage());
    IllegalArgumentException atom = assertThrows(IllegalArgumentException.class,
        () -> MolecularSystem.readXyz("1\ncomment\nAr 1.0 2.0\n"));
    assertEquals("XYZ line 3 should be an element and three coordinates.", atom.getMessage());
    IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
        () -> MolecularSystem.readXyz("\n1\ncomment\nAr 1.0 x 2.0\n"));
    assertEquals("XYZ line 4 has a coordinate that is not a number.", number.getMessage(),
        "blank lines between frames count");
    IllegalArgumentException cut = assertThrows(IllegalArgumentException.class,
        () -> MolecularSystem.readXyz("2\ncomment\nAr 1 2 3\n"));
    assertTrue(cut.getMessage().startsWith("The XYZ text ends in an incomplete frame after frame 0"), cut.getMessage());
  }

  @Test
  void parsingStopsBeforeAnIncompleteFrameSoTheRestCanFollow() {
    String whole = TWO_FRAMES;
    String cut = whole.substring(0, whole.indexOf("O 0.1"));
    List<MolecularSystem> frames = new ArrayList<>();
    int used = MolecularSystem.parse(cut, frames);
    assertEquals(1, frames.size());
    assertEquals(whole.indexOf("1\nwater"), used);
    MolecularSystem.parse(whole.substring(used), frames);
    assertEquals(MolecularSystem.readXyz(whole), frames);
  }
}
