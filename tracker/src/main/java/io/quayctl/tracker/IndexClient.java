package io.quayctl.tracker;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A client of the metainfo index served by {@link TrackerServer}. Thread-safe. */
public final class IndexClient {
  private static final Logger LOG = LoggerFactory.getLogger(IndexClient.class);
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  /** A client for the index at {@code base} (the tracker's base URI, e.g. {@code http://h:p/}). */
  public IndexClient(URI base) {
    this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), null);
  }

  /** A client using the given {@link HttpClient} and per-request timeout (null: 30 s). */
  public IndexClient(URI base, HttpClient http, Duration timeout) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b : b + "/");
    this.http = Objects.requireNonNull(http);
    this.timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  /** The index's base URI. */
  public URI base() {
    return base;
  }

  /** Registers a blob's metainfo; returns the infohash (hex) the index computed. */
  public String putTorrent(String digest, byte[] torrent) throws IOException {
    HttpResponse<byte[]> r =
        send(
            request(blobUri(digest))
                .header("Content-Type", TrackerServer.BITTORRENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(torrent))
                .build());
    expect(r, "register metainfo for " + digest, 200, 201);
    return r.headers().firstValue("X-Infohash").orElse("");
  }

  /** The metainfo registered for a blob, if any. */
  public Optional<byte[]> torrent(String digest) throws IOException {
    HttpResponse<byte[]> r = send(request(blobUri(digest)).GET().build());
    if (r.statusCode() == 404) {
      LOG.debug("index {}: no metainfo for {} yet", base, digest);
      return Optional.empty();
    }
    expect(r, "get metainfo for " + digest, 200);
    LOG.debug("index {}: metainfo for {} ({} bytes)", base, digest, r.body().length);
    return Optional.of(r.body());
  }

  /**
   * Registers the manifest a normalised reference resolved to, for a platform ({@code null}: not
   * platform-specific). Returns the manifest digest the index recorded.
   */
  public String putImage(String reference, String platform, String mediaType, byte[] manifest)
      throws IOException {
    HttpResponse<byte[]> r =
        send(
            request(imageUri(reference, platform))
                .header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                .build());
    expect(r, "register manifest for " + reference, 200, 201);
    return r.headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  /** The manifest registered for a reference and platform ({@code null}: none), if any. */
  public Optional<IndexedImage> image(String reference, String platform) throws IOException {
    HttpResponse<byte[]> r = send(request(imageUri(reference, platform)).GET().build());
    if (r.statusCode() == 404) {
      LOG.debug("index {}: no manifest for {} ({}) yet", base, reference, platform);
      return Optional.empty();
    }
    expect(r, "get manifest for " + reference, 200);
    IndexedImage image =
        new IndexedImage(
            r.headers().firstValue("Content-Type").orElse(""),
            r.headers().firstValue("Docker-Content-Digest").orElse(""),
            r.body());
    LOG.debug("index {}: manifest {} for {} ({})", base, image.digest(), reference, platform);
    return Optional.of(image);
  }

  private URI blobUri(String digest) {
    if (!IndexedTorrent.isDigest(digest)) {
      throw new IllegalArgumentException("invalid digest \"" + digest + "\"");
    }
    return base.resolve("index/blobs/" + digest);
  }

  private URI imageUri(String reference, String platform) {
    String path = "index/images/" + URLEncoder.encode(reference, StandardCharsets.UTF_8);
    if (platform != null && !platform.isEmpty()) {
      path += "?platform=" + URLEncoder.encode(platform, StandardCharsets.UTF_8);
    }
    return base.resolve(path);
  }

  private HttpRequest.Builder request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(timeout);
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted: " + request.uri());
    }
  }

  private static void expect(HttpResponse<byte[]> r, String what, int... ok) throws IOException {
    for (int code : ok) {
      if (r.statusCode() == code) {
        return;
      }
    }
    throw new IOException(
        "index: cannot "
            + what
            + ": HTTP "
            + r.statusCode()
            + ": "
            + new String(r.body(), StandardCharsets.UTF_8).strip());
  }
}
