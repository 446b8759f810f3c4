package io.quayctl.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The inner end of a {@link Tunnel}: runs inside one host's network namespace, listens on a Unix
 * socket (a file, so reachable from the machine's own namespace), and connects each client to the
 * TCP address named in the client's first line ({@code HOST PORT\n}) from inside the namespace.
 * Like {@code kubectl port-forward}, it lets the harness reach hosts the machine has no route to.
 */
public final class HostRelay {
  private HostRelay() {}

  /** {@code HostRelay SOCKET_PATH}: serves until killed. */
  public static void main(String[] args) throws IOException {
    Path path = Path.of(args[0]);
    Files.deleteIfExists(path);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      System.out.println("relay listening on " + path);
      System.out.flush();
      while (true) {
        SocketChannel client = server.accept();
        Tunnel.daemon("relay", () -> serve(client));
      }
    }
  }

  private static void serve(SocketChannel client) {
    try (client) {
      String[] target = readLine(client).split(" ");
      try (SocketChannel socket =
          SocketChannel.open(new InetSocketAddress(target[0], Integer.parseInt(target[1])))) {
        Tunnel.splice(client, socket);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("relay: " + e);
    }
  }

  /** Reads the header line one byte at a time, so nothing after it is consumed. */
  private static String readLine(SocketChannel in) throws IOException {
    StringBuilder line = new StringBuilder();
    ByteBuffer one = ByteBuffer.allocate(1);
    while (true) {
      one.clear();
      if (in.read(one) == -1) {
        throw new IOException("relay: connection closed before the header");
      }
      char c = (char) (one.get(0) & 0xff);
      if (c == '\n') {
        return line.toString();
      }
      line.append(c);
      if (line.length() > 300) {
        throw new IOException("relay header too long");
      }
    }
  }
}
