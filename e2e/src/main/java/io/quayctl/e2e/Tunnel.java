package io.quayctl.e2e;

import io.quayctl.testing.TestNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Port forwards from the machine's loopback into one host's network namespace, through a {@link
 * HostRelay} process running there. The harness reaches the API server and the registry this way
 * without adding any interface or route to the machine's own network.
 */
public final class Tunnel implements AutoCloseable {
  private final HostProcess relay;
  private final Path socket;
  private final List<ServerSocketChannel> listeners = new ArrayList<>();

  private Tunnel(HostProcess relay, Path socket) {
    this.relay = relay;
    this.socket = socket;
  }

  /** Starts a relay inside {@code host}; its socket and log go under {@code dir}. */
  public static Tunnel into(TestNetwork.Host host, Path dir, Launcher launcher) throws IOException {
    Path socket = dir.resolve("relay-" + host.name() + ".sock");
    HostProcess relay =
        HostProcess.start(
            "relay in " + host.name(),
            host,
            launcher.java(List.of(), HostRelay.class.getName(), List.of(socket.toString())),
            Map.of(),
            dir.resolve("logs/relay-" + host.name() + ".log"));
    relay.awaitReady(() -> socket.toFile().exists(), Duration.ofSeconds(30));
    return new Tunnel(relay, socket);
  }

  /** Forwards a fresh loopback port to {@code address:port} as seen from inside the host. */
  public synchronized int forward(String address, int port) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    listeners.add(listener);
    daemon(
        "tunnel-" + address + ":" + port,
        () -> {
          while (listener.isOpen()) {
            try {
              SocketChannel client = listener.accept();
              daemon("tunnel-conn", () -> connect(client, address, port));
            } catch (IOException e) {
              return;
            }
          }
        });
    return ((InetSocketAddress) listener.getLocalAddress()).getPort();
  }

  private void connect(SocketChannel client, String address, int port) {
    try (client;
        SocketChannel inner = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      inner.write(ByteBuffer.wrap((address + " " + port + "\n").getBytes(StandardCharsets.UTF_8)));
      splice(client, inner);
    } catch (IOException e) {
      // The peer went away; nothing to clean up beyond the sockets.
    }
  }

  /**
   * Copies both ways until both directions ended. Works on the channels themselves: their read and
   * write sides lock separately, unlike the streams of {@link java.nio.channels.Channels}.
   */
  static void splice(SocketChannel a, SocketChannel b) {
    Thread back = daemon("splice", () -> pump(b, a));
    pump(a, b);
    try {
      back.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Copies until end of stream, then half-closes the other side. */
  private static void pump(SocketChannel from, SocketChannel to) {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    try {
      while (from.read(buffer) != -1) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          to.write(buffer);
        }
        buffer.clear();
      }
    } catch (IOException e) {
      // A reset ends the stream as an end of file would.
    }
    try {
      to.shutdownOutput();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public synchronized void close() {
    for (ServerSocketChannel listener : listeners) {
      try {
        listener.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    relay.close();
    socket.toFile().delete();
  }

  static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
