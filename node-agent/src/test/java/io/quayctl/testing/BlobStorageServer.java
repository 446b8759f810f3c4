package io.quayctl.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quayctl.api.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Object storage that a registry redirects blob downloads to, reached as {@code localhost} (another
 * host than the registry's {@code 127.0.0.1}) on its own port. Like a signed storage URL, it
 * answers 403 to any request that carries {@code Authorization}; it honours Range.
 */
public final class BlobStorageServer implements AutoCloseable {
  private final HttpServer server;
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final List<Seen> requests = new CopyOnWriteArrayList<>();

  /** One request: its path, whether it carried Authorization, its Range, the answer. */
  public record Seen(String path, boolean authorization, String range, int status) {}

  private BlobStorageServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/storage/", this::handle);
    server.start();
  }

  /** Starts on a free loopback port. */
  public static BlobStorageServer start() throws IOException {
    return new BlobStorageServer();
  }

  /** Holds {@code bytes} under their digest. */
  public Digest put(byte[] bytes) {
    Digest d = Digest.of(bytes);
    blobs.put(d.hex(), bytes);
    return d;
  }

  /** Whether the blob is held here. */
  public boolean holds(Digest digest) {
    return blobs.containsKey(digest.hex());
  }

  /** A signed-looking URL for the blob. */
  public String urlFor(Digest digest) {
    return "http://localhost:"
        + server.getAddress().getPort()
        + "/storage/"
        + digest.hex()
        + "?X-Amz-Signature=fixture&X-Amz-Expires=300";
  }

  /** Every request so far. */
  public List<Seen> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      boolean auth = ex.getRequestHeaders().containsKey("Authorization");
      String range = ex.getRequestHeaders().getFirst("Range");
      byte[] blob = blobs.get(path.substring("/storage/".length()));
      if (auth) {
        requests.add(new Seen(path, true, range, 403));
        ex.sendResponseHeaders(403, -1);
        return;
      }
      if (blob == null) {
        requests.add(new Seen(path, false, range, 404));
        ex.sendResponseHeaders(404, -1);
        return;
      }
      long start = 0;
      long end = blob.length - 1;
      int status = 200;
      if (range != null && range.startsWith("bytes=")) {
        String[] parts = range.substring(6).split("-", -1);
        start = Long.parseLong(parts[0]);
        if (!parts[1].isEmpty()) {
          end = Math.min(end, Long.parseLong(parts[1]));
        }
        status = 206;
        ex.getResponseHeaders()
            .set("Content-Range", "bytes " + start + "-" + end + "/" + blob.length);
      }
      requests.add(new Seen(path, false, range, status));
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.getResponseHeaders().set("Accept-Ranges", "bytes");
      ex.sendResponseHeaders(status, end - start + 1);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(blob, (int) start, (int) (end - start + 1));
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
