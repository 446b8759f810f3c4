package io.quayctl.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of a server that, once armed, cuts the first connection whose responses pass
 * a byte count: it forwards exactly that many bytes, stalls, then closes both sides, as a dropped
 * link would. Later connections pass through untouched.
 */
public final class CuttingProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int upstreamPort;
  private final AtomicBoolean armed = new AtomicBoolean();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private volatile long cutAfter;
  private volatile Duration stall = Duration.ZERO;

  private CuttingProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "cutting-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a proxy on a free loopback port forwarding to {@code 127.0.0.1:upstreamPort}. */
  public static CuttingProxy start(int upstreamPort) throws IOException {
    return new CuttingProxy(upstreamPort);
  }

  /** The next connection to carry more than {@code bytes} response bytes is cut there. */
  public void cutOnce(long bytes, Duration stallBeforeCut) {
    this.cutAfter = bytes;
    this.stall = stallBeforeCut;
    armed.set(true);
  }

  /** {@code 127.0.0.1:port}. */
  public String host() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Connections cut so far. */
  public int cuts() {
    return cuts.get();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        connections.incrementAndGet();
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
        pump(client, upstream, false, "up");
        pump(upstream, client, true, "down");
      } catch (IOException e) {
        // Closed, or the upstream refused: the client sees its connection end.
      }
    }
  }

  private void pump(Socket from, Socket to, boolean responses, String name) {
    Thread t =
        new Thread(
            () -> {
              long passed = 0;
              byte[] buf = new byte[16 << 10];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                  if (responses && armed.get() && passed + n > cutAfter) {
                    if (armed.compareAndSet(true, false)) {
                      out.write(buf, 0, (int) (cutAfter - passed));
                      out.flush();
                      cuts.incrementAndGet();
                      Thread.sleep(stall.toMillis());
                      break;
                    }
                  }
                  out.write(buf, 0, n);
                  out.flush();
                  passed += n;
                }
              } catch (IOException e) {
                // The other side went away.
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                closeQuietly(from);
                closeQuietly(to);
              }
            },
            "cutting-proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
