package io.acquire.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.acquire.client.MolecularSystem;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.display.Renderer;
import io.github.spencerpark.jupyter.kernel.display.mime.MIMEType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class MolecularViewTest {
  private final Renderer renderer = new Renderer();

  MolecularViewTest() {
    Renderers.register(renderer);
  }

  /** 108 argon atoms on an FCC lattice in a 17 Å box, as the workload's first frame. */
  static MolecularSystem lattice() {
    double a = 17.0 / 3;
    StringBuilder xyz = new StringBuilder("108\nLattice=\"17.0 0 0 0 17.0 0 0 0 17.0\" Time=0.5 Frame=5\n");
    double[][] basis = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 3; k++) {
          for (double[] b : basis) {
            xyz.append("Ar ").append((i + b[0]) * a + 1).append(' ').append((j + b[1]) * a + 1).append(' ')
                .append((k + b[2]) * a + 1).append('\n');
          }
        }
      }
    }
    return MolecularSystem.readXyz(xyz.toString()).get(0);
  }

  @Test
  void theStillPictureHasTheRightSizeAndShowsShadedAtomsAndTheBox() throws Exception {
    DisplayData data = renderer.render(lattice());
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
        (String) data.getData(MIMEType.IMAGE_PNG))));
    assertEquals(MolecularPicture.WIDTH, png.getWidth());
    assertEquals(MolecularPicture.HEIGHT, png.getHeight());
    Set<Integer> colours = new HashSet<>();
    int argon = 0;
    int grey = 0;
    for (int y = 0; y < png.getHeight(); y++) {
      for (int x = 0; x < png.getWidth(); x++) {
        int rgb = png.getRGB(x, y) & 0xFFFFFF;
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        if (b > r + 20 && g > r) {
          argon++; // argon's cyan, shaded
          colours.add(rgb);
        } else if (r == g && g == b && r > 0x70 && r < 0xA0) {
          grey++; // the box's outline
        }
      }
    }
    int pixels = png.getWidth() * png.getHeight();
    assertTrue(argon > pixels / 10, "atoms cover much of the picture: " + argon + " of " + pixels);
    assertTrue(colours.size() >= 12, "spheres are shaded and farther ones darker: " + colours.size() + " cyans");
    assertTrue(grey > 200, "the box is outlined: " + grey + " grey pixels");
    assertEquals(0xFFFFFF, png.getRGB(2, 2) & 0xFFFFFF, "on white");
  }

  @Test
  void theHtmlShowsThePictureUntilTheViewerReplacesItAndBringsTheLibraryOncePerKernel() {
    MolecularView.forgetLibrarySent();
    String first = (String) renderer.render(lattice()).getData(MIMEType.TEXT_HTML);
    String second = (String) renderer.render(lattice()).getData(MIMEType.TEXT_HTML);
    String library = MolecularView.library();
    assertTrue(library.length() > 400_000, "3Dmol.js is bundled: " + library.length() + " characters");
    assertTrue(first.contains(library), "the first view of a kernel brings the library");
    assertFalse(second.contains(library), "the second reuses the page's copy");
    String without = second;
    for (String html : new String[] {first, second}) {
      assertTrue(html.contains("<img alt=\"108 atoms, frame 5, 0.50 ps, box 17.0 × 17.0 × 17.0 Å\""), html.substring(0, 200));
      assertTrue(html.contains("src=\"data:image/png;base64,"));
      assertTrue(html.contains("createViewer"));
      assertTrue(html.contains("var box = [17.0, 17.0, 17.0]"));
    }
    assertTrue(without.length() < 150_000, "a view after the first is the picture and the frame: "
        + without.length() + " characters");
    assertEquals("MolecularSystem[108 atoms, frame 5, 0.5 ps, box 17.00 × 17.00 × 17.00 Å]",
        renderer.render(lattice()).getData(MIMEType.TEXT_PLAIN));
  }

  @Test
  void coordinatesGoIntoTheScriptAsAStringThatCannotCloseIt() {
    assertEquals("\"a\\\"b\\\\c\\nd\\u003c/script>\"", MolecularView.jsString("a\"b\\c\nd</script>"));
  }
}
