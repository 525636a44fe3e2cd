package io.acquire.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.acquire.notebook.internal.BlockingShellConnection;
import io.github.spencerpark.jupyter.kernel.KernelConnectionProperties;
import io.github.spencerpark.jupyter.messages.HMACGenerator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The Acquire kernel served in this JVM on loopback ports, and a minimal Jupyter client
 * for it (signed messages on the shell and iopub sockets), so kernel tests need no Python.
 */
final class KernelClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);

  private final BlockingShellConnection connection;
  private final AcquireKernel kernel;
  private final Thread server;
  private final ZContext context = new ZContext();
  private final ZMQ.Socket shell;
  private final ZMQ.Socket control;
  private final ZMQ.Socket iopub;
  private final HMACGenerator hmac;
  private final String session = UUID.randomUUID().toString();

  /** One message as the client received it. */
  record Message(String type, JsonNode parent, JsonNode content) {}

  /** A request's reply and what the kernel published on iopub for it, up to idle. */
  record Exchange(JsonNode reply, List<Message> published) {
    List<Message> ofType(String type) {
      return published.stream().filter(m -> m.type().equals(type)).toList();
    }
  }

  KernelClient() throws Exception {
    String key = UUID.randomUUID().toString();
    int[] ports = freePorts(5);
    KernelConnectionProperties properties = KernelConnectionProperties.parse(JSON.writeValueAsString(Map.of(
        "ip", "127.0.0.1", "transport", "tcp", "signature_scheme", "hmac-sha256", "key", key,
        "shell_port", ports[0], "iopub_port", ports[1], "stdin_port", ports[2], "control_port", ports[3],
        "hb_port", ports[4])));
    hmac = properties.createHMACGenerator();
    connection = new BlockingShellConnection(properties);
    kernel = new AcquireKernel();
    server = new Thread(() -> kernel.serve(connection), "test-kernel");
    server.setDaemon(true);
    server.start();
    iopub = context.createSocket(SocketType.SUB);
    iopub.subscribe(new byte[0]);
    iopub.setReceiveTimeOut(30_000);
    iopub.connect("tcp://127.0.0.1:" + ports[1]);
    shell = context.createSocket(SocketType.DEALER);
    shell.setReceiveTimeOut(30_000);
    shell.connect("tcp://127.0.0.1:" + ports[0]);
    control = context.createSocket(SocketType.DEALER);
    control.setReceiveTimeOut(30_000);
    control.connect("tcp://127.0.0.1:" + ports[3]);
    // A SUB socket only receives what is published after it has joined: wait until a
    // kernel_info exchange shows up on iopub before trusting it.
    for (int attempt = 0; attempt < 50; attempt++) {
      String id = send("kernel_info_request", JSON.createObjectNode());
      receiveReply(id);
      if (awaitIdle(id, 200) != null) {
        return;
      }
    }
    throw new IllegalStateException("the kernel's iopub never answered");
  }

  /** Sends a request and collects its reply and what iopub carried for it. */
  Exchange request(String type, Map<String, ?> content) throws IOException {
    String id = send(type, JSON.valueToTree(content));
    JsonNode reply = receiveReply(id);
    List<Message> published = awaitIdle(id, 30_000);
    if (published == null) {
      throw new IllegalStateException("no idle status on iopub for " + type);
    }
    return new Exchange(reply, published);
  }

  Exchange execute(String code) throws IOException {
    return request("execute_request", Map.of("code", code, "silent", false, "store_history", true,
        "user_expressions", Map.of(), "allow_stdin", false, "stop_on_error", true));
  }

  /** Sends a request without waiting for its reply; {@link #reply} takes the reply. */
  String sendWithoutWaiting(String type, Map<String, ?> content) throws IOException {
    return send(shell, type, JSON.valueToTree(content));
  }

  /** Sends a request on the control socket, as a front end sends interrupts, and waits for its reply. */
  JsonNode requestOnControl(String type, Map<String, ?> content) throws IOException {
    return receiveReply(control, "control", send(control, type, JSON.valueToTree(content)));
  }

  /** The shell reply to the request {@code id}. */
  JsonNode reply(String id) throws IOException {
    return receiveReply(id);
  }

  private String send(String type, JsonNode content) throws IOException {
    return send(shell, type, content);
  }

  private String send(ZMQ.Socket socket, String type, JsonNode content) throws IOException {
    String id = UUID.randomUUID().toString();
    ObjectNode header = JSON.createObjectNode().put("msg_id", id).put("username", "test").put("session", session)
        .put("date", Instant.now().toString()).put("msg_type", type).put("version", "5.3");
    byte[][] parts = {JSON.writeValueAsBytes(header), "{}".getBytes(StandardCharsets.UTF_8),
        "{}".getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(content)};
    socket.sendMore(DELIMITER);
    socket.sendMore(hmac.calculateSignature(parts).getBytes(StandardCharsets.US_ASCII));
    socket.sendMore(parts[0]);
    socket.sendMore(parts[1]);
    socket.sendMore(parts[2]);
    socket.send(parts[3]);
    return id;
  }

  private JsonNode receiveReply(String id) throws IOException {
    return receiveReply(shell, "shell", id);
  }

  private static JsonNode receiveReply(ZMQ.Socket socket, String name, String id) throws IOException {
    while (true) {
      Message message = receive(socket);
      if (message == null) {
        throw new IllegalStateException("no reply from the kernel's " + name + " socket in 30 s");
      }
      if (id.equals(message.parent().path("msg_id").asText())) {
        return message.content();
      }
    }
  }

  /** iopub messages for the request up to its idle status, or null if idle did not come in time. */
  private List<Message> awaitIdle(String id, int timeoutMillis) throws IOException {
    iopub.setReceiveTimeOut(timeoutMillis);
    List<Message> published = new ArrayList<>();
    while (true) {
      Message message = receive(iopub);
      if (message == null) {
        return null;
      }
      if (!id.equals(message.parent().path("msg_id").asText())) {
        continue;
      }
      if (message.type().equals("status") && message.content().path("execution_state").asText().equals("idle")) {
        return published;
      }
      published.add(message);
    }
  }

  private static Message receive(ZMQ.Socket socket) throws IOException {
    byte[] frame = socket.recv();
    if (frame == null) {
      return null;
    }
    List<byte[]> frames = new ArrayList<>();
    frames.add(frame);
    while (socket.hasReceiveMore()) {
      frames.add(socket.recv());
    }
    int at = 0;
    while (!java.util.Arrays.equals(frames.get(at), DELIMITER)) {
      at++;
    }
    JsonNode header = JSON.readTree(frames.get(at + 2));
    return new Message(header.path("msg_type").asText(), JSON.readTree(frames.get(at + 3)),
        JSON.readTree(frames.get(at + 5)));
  }

  private static int[] freePorts(int count) throws IOException {
    int[] ports = new int[count];
    List<ServerSocket> open = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        open.add(socket);
        ports[i] = socket.getLocalPort();
      }
    } finally {
      for (ServerSocket socket : open) {
        socket.close();
      }
    }
    return ports;
  }

  /**
   * Shuts the kernel down as a front end does, with a shutdown request: the base library then
   * closes its sockets from its own loop. Closing its connection from this thread instead
   * races with those loops, and JeroMQ's context can then wait forever for a socket.
   */
  @Override
  public void close() throws InterruptedException {
    try {
      send("shutdown_request", JSON.createObjectNode().put("restart", false));
      server.join(10_000);
    } catch (IOException e) {
      // Nothing more a front end could do; the kernel's thread is a daemon.
    } finally {
      context.close();
    }
    if (server.isAlive()) {
      throw new IllegalStateException("the kernel did not stop within 10 s of a shutdown request");
    }
  }
}
