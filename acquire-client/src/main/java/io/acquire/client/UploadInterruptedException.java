package io.acquire.client;

/**
 * An upload stopped part way; the chunks already sent are kept. Finish it with
 * {@link Drive#resumeUpload(String, java.nio.file.Path, Drive.Progress)} and {@link #uploadId()}.
 */
public class UploadInterruptedException extends TransportException {
  private final String uploadId;

  public UploadInterruptedException(String uploadId, String message, Throwable cause) {
    super(message, cause);
    this.uploadId = uploadId;
  }

  public String uploadId() {
    return uploadId;
  }
}
