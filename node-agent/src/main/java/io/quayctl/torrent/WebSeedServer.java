package io.quayctl.torrent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Registry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback HTTP endpoint that serves registered blobs to libtorrent as a BEP 19 web seed by
 * proxying ranged reads to the {@link Registry}. libtorrent gets a plain path-only URL: the
 * registry's credentials, token refresh and redirects stay in the registry client (libtorrent would
 * send web-seed headers to redirect targets too), and {@code ssrf_mitigation} rejects localhost
 * web-seed URLs with a query string.
 *
 * <p>Only blobs registered with {@link #register} are served, so this is no open proxy.
 */
public final class WebSeedServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebSeedServer.class);
  private static final Pattern PATH = Pattern.compile("/blobs/([a-f0-9]{64})");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private record Source(ImageReference repository, long size) {}

  private final Registry registry;
  private final ConcurrentHashMap<Digest, Source> blobs = new ConcurrentHashMap<>();
  private final AtomicLong bytesServed = new AtomicLong();
  private HttpServer server;
  private ExecutorService executor;

  /** A server (not yet started) reading through {@code registry}. */
  public WebSeedServer(Registry registry) {
    this.registry = registry;
  }

  /** Binds an ephemeral port on loopback and starts serving. */
  public synchronized void start() throws IOException {
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "web-seed-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/blobs/", this::serve);
    server.setExecutor(executor);
    server.start();
  }

  /**
   * Makes a blob of {@code repository} available and returns the URL to give libtorrent as its web
   * seed (the complete file URL of a single-file torrent).
   */
  public URI register(Digest digest, ImageReference repository, long size) {
    blobs.put(digest, new Source(repository, size));
    InetSocketAddress a = server.getAddress();
    return URI.create(
        "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/blobs/" + digest.hex());
  }

  /** Stops serving a blob. */
  public void unregister(Digest digest) {
    blobs.remove(digest);
  }

  /** Payload bytes sent so far, over all blobs. */
  public long bytesServed() {
    return bytesServed.get();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  private void serve(HttpExchange ex) {
    try (ex) {
      Matcher m = PATH.matcher(ex.getRequestURI().getPath());
      if (!m.matches() || !(ex.getRequestMethod().equals("GET"))) {
        reply(ex, 404, "not found");
        return;
      }
      Digest digest = Digest.parse("sha256:" + m.group(1));
      Source source = blobs.get(digest);
      if (source == null) {
        reply(ex, 404, "blob " + digest + " is not offered");
        return;
      }
      long start = 0;
      long end = source.size - 1;
      String range = ex.getRequestHeaders().getFirst("Range");
      boolean partial = range != null;
      if (partial) {
        Matcher r = RANGE.matcher(range.strip());
        if (!r.matches()) {
          reply(ex, 416, "only a single bytes=a-b range is supported");
          return;
        }
        start = Long.parseLong(r.group(1));
        if (!r.group(2).isEmpty()) {
          end = Math.min(end, Long.parseLong(r.group(2)));
        }
        if (start > end) {
          ex.getResponseHeaders().set("Content-Range", "bytes */" + source.size);
          reply(ex, 416, "range not satisfiable");
          return;
        }
        ex.getResponseHeaders()
            .set("Content-Range", "bytes " + start + "-" + end + "/" + source.size);
      }
      long length = end - start + 1;
      InputStream opened;
      try {
        opened = registry.openBlob(source.repository, digest, start, length);
      } catch (IOException e) {
        log.warn("web seed: registry read of {} failed: {}", digest, e.toString());
        ex.getResponseHeaders().remove("Content-Range");
        reply(ex, 502, "registry read failed: " + e.getMessage());
        return;
      }
      try (InputStream in = opened) {
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(partial ? 206 : 200, length);
        try (OutputStream out = ex.getResponseBody()) {
          byte[] buf = new byte[1 << 16];
          long left = length;
          while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
              throw new IOException("registry stream for " + digest + " ended " + left + " early");
            }
            out.write(buf, 0, n);
            left -= n;
            bytesServed.addAndGet(n);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // libtorrent retries the web seed later; the connection is closed by try-with-resources.
      log.warn("web seed request {} failed: {}", ex.getRequestURI(), e.toString());
    }
  }

  private static void reply(HttpExchange ex, int status, String message) throws IOException {
    byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
