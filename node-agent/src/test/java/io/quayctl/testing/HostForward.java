package io.quayctl.testing;

import io.quayctl.testing.TestNetwork.Host;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets the test JVM, which lives in the machine's own network namespace, reach a TCP service inside
 * a {@link Host} that no route leads to: a loopback port here whose every connection is relayed by
 * a small {@code bash /dev/tcp} process entered into the host's namespace. Meant for control
 * traffic (pushing fixtures, reading a server's state), not for the traffic under test.
 */
public final class HostForward implements AutoCloseable {
  private final ServerSocket server;
  private final Host host;
  private final String address;
  private final int port;
  private final Set<Process> relays = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private HostForward(ServerSocket server, Host host, String address, int port) {
    this.server = server;
    this.host = host;
    this.address = address;
    this.port = port;
    this.acceptor = new Thread(this::acceptLoop, "forward-" + host.name() + "-" + port);
    this.acceptor.setDaemon(true);
  }

  /** Forwards a fresh loopback port to {@code address:port} as seen from inside {@code host}. */
  public static HostForward to(Host host, String address, int port) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    HostForward forward = new HostForward(server, host, address, port);
    forward.acceptor.start();
    return forward;
  }

  /** The loopback port that leads into the host. */
  public int localPort() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        relay(client);
      } catch (IOException e) {
        if (!server.isClosed()) {
          System.err.println("HostForward: " + e.getMessage());
        }
      }
    }
  }

  private void relay(Socket client) throws IOException {
    // bash connects inside the namespace, then one cat copies each direction (the explicit <&0:
    // a background job's stdin is /dev/null otherwise); the process itself becomes the
    // service-to-client cat, so it ends (and our pipe reaches EOF) when the service closes.
    String script =
        "exec 3<>/dev/tcp/" + address + "/" + port + " || exit 1; cat <&0 >&3 & exec cat <&3";
    Process p;
    try {
      p = host.process(List.of("bash", "-c", script)).start();
    } catch (IOException e) {
      client.close();
      throw e;
    }
    relays.add(p);
    Thread up = pump(client.getInputStream(), p.getOutputStream(), client, p, "up");
    Thread down = pump(p.getInputStream(), client.getOutputStream(), client, p, "down");
    up.start();
    down.start();
  }

  private Thread pump(InputStream in, OutputStream out, Socket client, Process p, String dir) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  out.write(buf, 0, n);
                  out.flush();
                }
              } catch (IOException ignored) {
                // Either side went away: tear the pair down below.
              } finally {
                closeQuietly(client);
                stop(p);
              }
            },
            "forward-" + dir);
    t.setDaemon(true);
    return t;
  }

  private void stop(Process p) {
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // The relay is gone already.
    }
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    relays.remove(p);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Process p : relays) {
      stop(p);
    }
  }
}
