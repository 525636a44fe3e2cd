package io.acquire.notebook;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The front end of the installer's training run: connects to the kernel over its loopback
 * sockets and sends what a front end sends at a start (kernel_info until iopub answers,
 * then cells), so the class cache holds the kernel's side of a connected client (JeroMQ's
 * handshake and codecs, the base library's message parsing and replies) and a real start
 * does not load those from jars.
 */
final class TrainingClient implements AutoCloseable {
  private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
  /** Generous: a training run on a loaded machine is slow, and a lost reply only costs the cache some classes. */
  private static final int TIMEOUT_MILLIS = 60_000;
  /** How long one kernel_info waits to show up on iopub before it is sent again (a SUB socket joins late). */
  private static final int JOIN_MILLIS = 200;

  private final ZContext context = new ZContext();
  private final ZMQ.Socket shell;
  private final ZMQ.Socket iopub;
  private final HMACGenerator hmac;
  private final String session = UUID.randomUUID().toString();

  TrainingClient(String shellEndpoint, String iopubEndpoint, HMACGenerator hmac) {
    this.hmac = hmac;
    iopub = context.createSocket(SocketType.SUB);
    iopub.subscribe(new byte[0]);
    iopub.setLinger(0);
    iopub.connect(iopubEndpoint);
    shell = context.createSocket(SocketType.DEALER);
    shell.setLinger(0);
    shell.setReceiveTimeOut(TIMEOUT_MILLIS);
    shell.connect(shellEndpoint);
  }

  /** Sends kernel_info until its idle status arrives on iopub, as jupyter_client's wait_for_ready does. */
  void awaitReady() {
    long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
    while (System.nanoTime() < deadline) {
      String id = send("kernel_info_request", new JsonObject());
      reply(id);
      if (awaitIdle(id, JOIN_MILLIS)) {
        return;
      }
    }
    throw new IllegalStateException("the kernel's iopub never answered kernel_info in training");
  }

  /** Runs {@code code} as an execute request; returns the reply's status ("ok" or "error"). */
  String execute(String code) {
    JsonObject content = new JsonObject();
    content.addProperty("code", code);
    content.addProperty("silent", false);
    content.addProperty("store_history", true);
    content.add("user_expressions", new JsonObject());
    content.addProperty("allow_stdin", false);
    content.addProperty("stop_on_error", true);
    String id = send("execute_request", content);
    String status = reply(id).get("status").getAsString();
    if (!awaitIdle(id, TIMEOUT_MILLIS)) {
      throw new IllegalStateException("no idle status on iopub for a training cell");
    }
    return status;
  }

  private String send(String type, JsonObject content) {
    String id = UUID.randomUUID().toString();
    JsonObject header = new JsonObject();
    header.addProperty("msg_id", id);
    header.addProperty("username", "training");
    header.addProperty("session", session);
    header.addProperty("date", Instant.now().toString());
    header.addProperty("msg_type", type);
    header.addProperty("version", "5.3");
    byte[][] parts = {bytes(header.toString()), bytes("{}"), bytes("{}"), bytes(content.toString())};
    shell.sendMore(DELIMITER);
    shell.sendMore(hmac.calculateSignature(parts).getBytes(StandardCharsets.US_ASCII));
    for (int i = 0; i < parts.length - 1; i++) {
      shell.sendMore(parts[i]);
    }
    shell.send(parts[parts.length - 1]);
    return id;
  }

  private JsonObject reply(String id) {
    while (true) {
      List<byte[]> frames = receive(shell);
      if (frames == null) {
        throw new IllegalStateException("no reply from the kernel's shell socket in training");
      }
      if (id.equals(part(frames, 2).get("msg_id").getAsString())) {
        return part(frames, 4);
      }
    }
  }

  /** Whether the request's idle status arrived on iopub within {@code millis}. */
  private boolean awaitIdle(String id, int millis) {
    iopub.setReceiveTimeOut(millis);
    while (true) {
      List<byte[]> frames = receive(iopub);
      if (frames == null) {
        return false;
      }
      JsonObject parent = part(frames, 2);
      if (parent.has("msg_id") && id.equals(parent.get("msg_id").getAsString())
          && part(frames, 1).get("msg_type").getAsString().equals("status")
          && part(frames, 4).get("execution_state").getAsString().equals("idle")) {
        return true;
      }
    }
  }

  /** A message's frames, or null on a timeout. */
  private static List<byte[]> receive(ZMQ.Socket socket) {
    byte[] frame = socket.recv();
    if (frame == null) {
      return null;
    }
    List<byte[]> frames = new ArrayList<>(List.of(frame));
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv());
    }
    return frames;
  }

  /** Part {@code n} after the delimiter (1 header, 2 parent header, 4 content; 0 is the signature) as JSON. */
  private static JsonObject part(List<byte[]> frames, int n) {
    int at = 0;
    while (!Arrays.equals(frames.get(at), DELIMITER)) {
      at++;
    }
    return JsonParser.parseString(new String(frames.get(at + 1 + n), StandardCharsets.UTF_8)).getAsJsonObject();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Closes the client's own sockets (its context is this thread's; the kernel's is left alone). */
  @Override
  public void close() {
    context.close();
  }
}
