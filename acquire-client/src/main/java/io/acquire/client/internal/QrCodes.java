package io.acquire.client.internal;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.client.j2se.MatrixToImageWriter;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** QR codes as PNG images, sized to scan comfortably from a screen. */
public final class QrCodes {
  /** Pixels per side: large enough for a phone camera across a desk, small in a notebook. */
  public static final int DEFAULT_SIZE = 300;

  private QrCodes() {}

  /**
   * The code's modules, {@code true} for dark, with a light quiet zone of {@code margin}
   * modules on every side: for drawing it with characters, as the command line does.
   */
  public static boolean[][] modules(String text, int margin) {
    try {
      // Size 0 asks for one pixel per module.
      BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, 0, 0,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, margin,
              EncodeHintType.CHARACTER_SET, "UTF-8"));
      boolean[][] modules = new boolean[matrix.getHeight()][matrix.getWidth()];
      for (int y = 0; y < modules.length; y++) {
        for (int x = 0; x < modules[y].length; x++) {
          modules[y][x] = matrix.get(x, y);
        }
      }
      return modules;
    } catch (WriterException e) {
      throw new IllegalArgumentException("Text is too long for a QR code (" + text.length() + " characters)", e);
    }
  }

  public static byte[] png(String text, int size) {
    try {
      BitMatrix matrix = new QRCodeWriter().encode(text, BarcodeFormat.QR_CODE, size, size,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 4,
              EncodeHintType.CHARACTER_SET, "UTF-8"));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MatrixToImageWriter.writeToStream(matrix, "PNG", out);
      return out.toByteArray();
    } catch (WriterException e) {
      throw new IllegalArgumentException("Text is too long for a QR code (" + text.length() + " characters)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
