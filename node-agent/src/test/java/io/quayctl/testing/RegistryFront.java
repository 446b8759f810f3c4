package io.quayctl.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quayctl.api.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP front for a real {@link RegistryServer} that forwards every request (auth challenges
 * included) and can misbehave on purpose: answer blob GETs with a 307 to a {@link
 * BlobStorageServer} once the registry accepted the request's credentials, serve a blob's bytes
 * tampered with, or serve canned manifest bytes (a schema 1 manifest, which the real registry would
 * not accept without a signature).
 */
public final class RegistryFront implements AutoCloseable {
  private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[a-f0-9]{64})");
  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "host",
          "connection",
          "content-length",
          "expect",
          "upgrade",
          "keep-alive",
          "transfer-encoding",
          "te",
          "trailer",
          "date");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final RegistryServer upstream;
  private final HttpClient http =
      HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
  private final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
  private final Set<Digest> tampered = ConcurrentHashMap.newKeySet();
  private final List<Seen> requests = new CopyOnWriteArrayList<>();
  private volatile BlobStorageServer storage;

  /** One request: method, path, whether it carried Authorization, the answer. */
  public record Seen(String method, String path, boolean authorization, int status) {}

  private RegistryFront(RegistryServer upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts a front for {@code upstream} on a free loopback port. */
  public static RegistryFront start(RegistryServer upstream) throws IOException {
    return new RegistryFront(upstream);
  }

  /** {@code 127.0.0.1:port}. */
  public String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Blob GETs for blobs that {@code storage} holds are redirected there. */
  public void redirectBlobsTo(BlobStorageServer storage) {
    this.storage = storage;
  }

  /** The blob's bytes are served with the last byte changed. */
  public void tamper(Digest digest) {
    tampered.add(digest);
  }

  /** Answers GETs of {@code /v2/<repository>/manifests/<reference>} with these bytes. */
  public void serveManifest(String repository, String reference, String mediaType, byte[] bytes) {
    String path = "/v2/" + repository + "/manifests/" + reference;
    manifests.put(path, bytes);
    manifestTypes.put(path, mediaType);
  }

  /** Every request so far. */
  public List<Seen> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      boolean auth = ex.getRequestHeaders().containsKey("Authorization");
      byte[] canned = manifests.get(path);
      if (canned != null && method.equals("GET")) {
        ex.getResponseHeaders().set("Content-Type", manifestTypes.get(path));
        reply(ex, method, path, auth, 200, canned);
        return;
      }
      Matcher blob = BLOB.matcher(path);
      BlobStorageServer redirectTo = storage;
      if (blob.matches() && method.equals("GET")) {
        Digest digest = Digest.parse(blob.group(2));
        if (redirectTo != null && redirectTo.holds(digest)) {
          HttpResponse<InputStream> head = forward(ex, "HEAD", "range");
          head.body().close();
          if (head.statusCode() == 200) {
            ex.getResponseHeaders().set("Location", redirectTo.urlFor(digest));
            reply(ex, method, path, auth, 307, new byte[0]);
          } else {
            copyHeaders(head, ex);
            reply(ex, method, path, auth, head.statusCode(), new byte[0]);
          }
          return;
        }
        if (tampered.contains(digest)) {
          HttpResponse<InputStream> response = forward(ex, method);
          byte[] bytes;
          try (InputStream in = response.body()) {
            bytes = in.readAllBytes();
          }
          if (response.statusCode() / 100 == 2 && bytes.length > 0) {
            bytes[bytes.length - 1] ^= 0x5a;
          }
          copyHeaders(response, ex);
          reply(ex, method, path, auth, response.statusCode(), bytes);
          return;
        }
      }
      HttpResponse<InputStream> response = forward(ex, method);
      copyHeaders(response, ex);
      requests.add(new Seen(method, path, auth, response.statusCode()));
      long length = response.headers().firstValueAsLong("Content-Length").orElse(0);
      boolean noBody = method.equals("HEAD") || length == 0 || response.statusCode() == 204;
      ex.sendResponseHeaders(response.statusCode(), noBody ? -1 : length);
      try (InputStream in = response.body();
          OutputStream out = ex.getResponseBody()) {
        if (!noBody) {
          in.transferTo(out);
        }
      }
    }
  }

  private void reply(
      HttpExchange ex, String method, String path, boolean auth, int status, byte[] b)
      throws IOException {
    requests.add(new Seen(method, path, auth, status));
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  private HttpResponse<InputStream> forward(HttpExchange ex, String method, String... drop)
      throws IOException {
    Set<String> skip = new java.util.HashSet<>(HOP_BY_HOP);
    skip.addAll(List.of(drop));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(upstream.url() + ex.getRequestURI()))
            .method(method, HttpRequest.BodyPublishers.ofByteArray(readBody(ex)))
            .version(HttpClient.Version.HTTP_1_1);
    for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
      if (!skip.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        for (String v : h.getValue()) {
          request.header(h.getKey(), v);
        }
      }
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException();
    }
  }

  private static byte[] readBody(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static void copyHeaders(HttpResponse<?> from, HttpExchange to) {
    from.headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                to.getResponseHeaders().put(name, values);
              }
            });
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
