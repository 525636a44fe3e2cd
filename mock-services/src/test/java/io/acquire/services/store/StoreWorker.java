package io.acquire.services.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/** A separate process working on a store, for the multi-process and crash tests. */
public final class StoreWorker {
  private StoreWorker() {}

  public static void main(String[] args) throws Exception {
    LocalObjectStore store = LocalObjectStore.open(Path.of(args[1]));
    switch (args[0]) {
      case "increment" -> {
        int count = Integer.parseInt(args[2]);
        for (int i = 0; i < count; i++) {
          while (true) {
            StoredObject current = store.get("counter").orElseThrow();
            int next = Integer.parseInt(new String(current.data(), StandardCharsets.UTF_8)) + 1;
            byte[] data = Integer.toString(next).getBytes(StandardCharsets.UTF_8);
            if (store.putIfVersion("counter", data, current.version()).isPresent()) {
              break;
            }
          }
        }
      }
      case "churn" -> {
        Random random = new Random(Long.parseLong(args[2]));
        store.put("churn/0", selfChecking(random, 1024));
        System.out.print("ready\n");
        System.out.flush();
        while (true) {
          store.put("churn/" + random.nextInt(8), selfChecking(random, 1 + random.nextInt(3 << 20)));
        }
      }
      case "append" -> {
        // Appends this worker's numbered records wherever the log's end is, racing other workers.
        ObjectLog log = store.log("shared");
        String worker = args[2];
        int count = Integer.parseInt(args[3]);
        for (int i = 0; i < count; i++) {
          ObjectStoreContract.appendAtEnd(log, (worker + "/" + i).getBytes(StandardCharsets.UTF_8));
        }
      }
      case "log-churn" -> {
        Random random = new Random(Long.parseLong(args[2]));
        ObjectLog log = store.log("churn");
        ObjectStoreContract.appendAtEnd(log, selfChecking(random, 1024));
        System.out.print("ready\n");
        System.out.flush();
        while (true) {
          ObjectStoreContract.appendAtEnd(log, selfChecking(random, 1 + random.nextInt(1 << 20)));
        }
      }
      default -> throw new IllegalArgumentException(args[0]);
    }
  }

  /** Payload followed by its SHA-256 and its length: any torn write fails the check. */
  static byte[] selfChecking(Random random, int size) throws Exception {
    byte[] payload = new byte[size];
    random.nextBytes(payload);
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(payload);
    return ByteBuffer.allocate(size + 32 + 4).put(payload).put(digest).putInt(size).array();
  }

  static boolean selfCheckPasses(byte[] data) throws Exception {
    if (data.length < 36) {
      return false;
    }
    int size = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
    if (size != data.length - 36) {
      return false;
    }
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Arrays.copyOf(data, size));
    return Arrays.equals(digest, Arrays.copyOfRange(data, size, size + 32));
  }
}
