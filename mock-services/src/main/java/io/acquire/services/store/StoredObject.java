package io.acquire.services.store;

/** An object as read from a store: its key, bytes and version token. */
public record StoredObject(String key, byte[] data, String version) {
  @Override
  public String toString() {
    return "StoredObject[key=" + key + ", " + data.length + " bytes, version=" + version + "]";
  }
}
