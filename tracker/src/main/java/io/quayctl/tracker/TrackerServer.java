package io.quayctl.tracker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP BitTorrent tracker (BEP 3 announce with BEP 23 compact peer lists, BEP 48 scrape) and the
 * metainfo index, on one JDK {@link HttpServer}:
 *
 * <ul>
 *   <li>{@code GET /announce}, {@code GET /scrape}
 *   <li>{@code PUT|GET /index/blobs/sha256:<hex>}: a blob's {@code .torrent}, served with this
 *       tracker as its announce URL when it names none
 *   <li>{@code PUT|GET /index/images/<url-encoded normalised reference>[?platform=os/arch]}: the
 *       manifest the reference resolved to, with its media type
 * </ul>
 *
 * <p>Peers from the announcing peer's own IP are returned: several peers may share an address.
 */
public final class TrackerServer implements AutoCloseable {
  /** Media type of metainfo files. */
  public static final String BITTORRENT_TYPE = "application/x-bittorrent";

  private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);
  private static final int MAX_TORRENT_BYTES = 8 << 20;
  private static final int MAX_MANIFEST_BYTES = 4 << 20;
  private static final Pattern PLATFORM = Pattern.compile("[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?");

  private final Builder config;
  private final Swarms swarms;
  private final AtomicLong announces = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong scrapes = new AtomicLong();
  private HttpServer server;
  private ExecutorService executor;
  private ScheduledExecutorService sweeper;

  private TrackerServer(Builder config) {
    this.config = config;
    this.swarms = new Swarms(config.clock, config.peerTimeout());
  }

  /** A builder with defaults: loopback, ephemeral port, 30 s interval, random peer order. */
  public static Builder builder() {
    return new Builder();
  }

  /** Binds and starts serving. */
  public synchronized void start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("tracker already started");
    }
    AtomicInteger n = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            config.threads,
            r -> {
              Thread t = new Thread(r, "tracker-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tracker-sweep");
              t.setDaemon(true);
              return t;
            });
    server = HttpServer.create(new InetSocketAddress(config.bindAddress, config.port), 128);
    server.createContext("/announce", ex -> handle(ex, this::announce));
    server.createContext("/scrape", ex -> handle(ex, this::scrape));
    server.createContext("/index/blobs/", ex -> handle(ex, this::blob));
    server.createContext("/index/images/", ex -> handle(ex, this::image));
    server.setExecutor(executor);
    server.start();
    long every = config.interval.toMillis();
    sweeper.scheduleAtFixedRate(swarms::sweep, every, every, TimeUnit.MILLISECONDS);
    log.info("tracker listening on {}", baseUri());
  }

  /** The bound port (the real one when {@code port(0)} was asked). */
  public int port() {
    return requireStarted().getAddress().getPort();
  }

  /** The server's base URI, using the bind address (loopback when bound to the wildcard). */
  public URI baseUri() {
    InetAddress a = requireStarted().getAddress().getAddress();
    if (a.isAnyLocalAddress()) {
      a = InetAddress.getLoopbackAddress();
    }
    String host = a instanceof Inet4Address ? a.getHostAddress() : "[" + a.getHostAddress() + "]";
    return URI.create("http://" + host + ":" + port() + "/");
  }

  /** The announce URL to hand to clients: the advertised one if set, else from the bind address. */
  public String announceUrl() {
    return config.advertisedAnnounceUrl != null
        ? config.advertisedAnnounceUrl
        : baseUri().resolve("announce").toString();
  }

  /** Announce counts and swarm sizes, for metrics export. Expired peers are not counted. */
  public TrackerMetrics metrics() {
    return new TrackerMetrics(announces.get(), rejected.get(), scrapes.get(), swarms.sweep());
  }

  /** The current size of one swarm by hex infohash. */
  public SwarmStats swarm(String infoHashHex) {
    return swarms.stats(infoHashHex.toLowerCase(java.util.Locale.ROOT));
  }

  /** Stops serving at once. */
  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      sweeper.shutdownNow();
      server = null;
    }
  }

  private HttpServer requireStarted() {
    HttpServer s = server;
    if (s == null) {
      throw new IllegalStateException("tracker not started");
    }
    return s;
  }

  private interface Handler {
    void handle(HttpExchange ex) throws IOException;
  }

  private static void handle(HttpExchange ex, Handler h) {
    try (ex) {
      h.handle(ex);
    } catch (IllegalArgumentException e) {
      sendQuietly(ex, 400, "text/plain", e.getMessage());
    } catch (IOException e) {
      // The client went away (a peer that stopped, a timed-out announce): nothing to answer.
      log.debug("{} {}: {}", ex.getRequestMethod(), ex.getRequestURI().getPath(), e.toString());
      sendQuietly(ex, 500, "text/plain", "internal error: " + e.getMessage());
    } catch (RuntimeException e) {
      log.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
      sendQuietly(ex, 500, "text/plain", "internal error: " + e.getMessage());
    }
  }

  // ---- tracker ----

  private void announce(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      send(ex, 405, "text/plain", "announce takes GET");
      return;
    }
    AnnounceRequest request;
    try {
      request =
          AnnounceRequest.parse(
              decodeQuery(ex.getRequestURI().getRawQuery()), ex.getRemoteAddress().getAddress());
    } catch (IllegalArgumentException e) {
      rejected.incrementAndGet();
      sendBencoded(ex, Map.of("failure reason", e.getMessage()));
      return;
    }
    List<Peer> others = swarms.announce(request);
    announces.incrementAndGet();
    int numwant = Math.min(request.numwant().orElse(config.defaultNumwant), config.maxNumwant);
    List<Peer> chosen =
        request.event() == AnnounceRequest.Event.STOPPED || numwant == 0
            ? List.of()
            : config.selector.select(request, List.copyOf(others), numwant);
    SwarmStats stats = swarms.stats(request.infoHash());
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("interval", config.interval.toSeconds());
    response.put("min interval", Math.max(1, config.interval.toSeconds() / 2));
    response.put("complete", (long) stats.seeders());
    response.put("incomplete", (long) stats.leechers());
    if (request.compact()) {
      ByteArrayOutputStream v4 = new ByteArrayOutputStream();
      ByteArrayOutputStream v6 = new ByteArrayOutputStream();
      for (Peer p : chosen) {
        ByteArrayOutputStream out = p.ip() instanceof Inet4Address ? v4 : v6;
        out.writeBytes(p.ip().getAddress());
        out.write(p.address().getPort() >> 8);
        out.write(p.address().getPort() & 0xff);
      }
      response.put("peers", v4.toByteArray());
      if (v6.size() > 0) {
        response.put("peers6", v6.toByteArray());
      }
    } else {
      List<Object> list = new ArrayList<>();
      for (Peer p : chosen) {
        Map<String, Object> d = new LinkedHashMap<>();
        if (!request.noPeerId()) {
          d.put("peer id", HexFormat.of().parseHex(p.peerId()));
        }
        d.put("ip", p.ip().getHostAddress());
        d.put("port", (long) p.address().getPort());
        list.add(d);
      }
      response.put("peers", list);
    }
    sendBencoded(ex, response);
  }

  private void scrape(HttpExchange ex) throws IOException {
    Map<String, List<byte[]>> query = decodeQuery(ex.getRequestURI().getRawQuery());
    List<byte[]> hashes = query.getOrDefault("info_hash", List.of());
    // Keys of "files" are raw 20-byte infohashes, which are not UTF-8: write the dictionary here.
    TreeMap<byte[], byte[]> files = new TreeMap<>(Arrays::compareUnsigned);
    for (byte[] h : hashes) {
      if (h.length != 20) {
        sendBencoded(ex, Map.of("failure reason", "info_hash must be 20 bytes"));
        return;
      }
      SwarmStats s = swarms.stats(HexFormat.of().formatHex(h));
      files.put(
          h,
          Bencode.encode(
              Map.of(
                  "complete", (long) s.seeders(),
                  "incomplete", (long) s.leechers(),
                  "downloaded", s.completed())));
    }
    ByteArrayOutputStream dict = new ByteArrayOutputStream();
    dict.write('d');
    for (Map.Entry<byte[], byte[]> e : files.entrySet()) {
      dict.writeBytes(Bencode.encode(e.getKey()));
      dict.writeBytes(e.getValue());
    }
    dict.write('e');
    scrapes.incrementAndGet();
    sendBencoded(ex, Map.of("files", new Bencode.Raw(dict.toByteArray())));
  }

  // ---- index ----

  private void blob(HttpExchange ex) throws IOException {
    String digest = ex.getRequestURI().getPath().substring("/index/blobs/".length());
    if (!IndexedTorrent.isDigest(digest)) {
      send(ex, 400, "text/plain", "invalid digest \"" + digest + "\"");
      return;
    }
    switch (ex.getRequestMethod()) {
      case "GET", "HEAD" -> {
        Optional<IndexedTorrent> t = config.index.torrent(digest);
        if (t.isEmpty()) {
          send(ex, 404, "text/plain", "no metainfo for " + digest);
          return;
        }
        // Metainfo is registered without trackers; served with this tracker's announce URL
        // (outside the info dictionary) so that any client can use the file as it is.
        byte[] body = t.get().withDefaultAnnounce(announceUrl());
        ex.getResponseHeaders().set("X-Infohash", t.get().infoHash());
        send(ex, 200, BITTORRENT_TYPE, body);
      }
      case "PUT" -> {
        byte[] body = readBody(ex, MAX_TORRENT_BYTES);
        if (body == null) {
          send(ex, 413, "text/plain", "metainfo larger than " + MAX_TORRENT_BYTES + " bytes");
          return;
        }
        IndexedTorrent t;
        try {
          t = IndexedTorrent.parse(digest, body);
        } catch (IllegalArgumentException e) {
          send(ex, 400, "text/plain", "invalid metainfo: " + e.getMessage());
          return;
        }
        Optional<IndexedTorrent> existing = config.index.torrent(digest);
        if (existing.isPresent() && !existing.get().infoHash().equals(t.infoHash())) {
          // Metainfo is deterministic per blob: a different infohash means a builder disagrees.
          send(
              ex,
              409,
              "text/plain",
              digest
                  + " is registered with infohash "
                  + existing.get().infoHash()
                  + ", not "
                  + t.infoHash());
          return;
        }
        config.index.putTorrent(t);
        ex.getResponseHeaders().set("X-Infohash", t.infoHash());
        send(ex, existing.isPresent() ? 200 : 201, "text/plain", t.infoHash());
      }
      default -> send(ex, 405, "text/plain", "use GET or PUT");
    }
  }

  private void image(HttpExchange ex) throws IOException {
    String raw = ex.getRequestURI().getRawPath().substring("/index/images/".length());
    String reference = URLDecoder.decode(raw, StandardCharsets.UTF_8);
    if (reference.isEmpty() || reference.contains("/../") || !reference.equals(reference.strip())) {
      send(ex, 400, "text/plain", "invalid image reference \"" + reference + "\"");
      return;
    }
    Map<String, List<byte[]>> query = decodeQuery(ex.getRequestURI().getRawQuery());
    String platform =
        query.containsKey("platform")
            ? new String(query.get("platform").get(0), StandardCharsets.UTF_8)
            : "";
    if (!platform.isEmpty() && !PLATFORM.matcher(platform).matches()) {
      send(ex, 400, "text/plain", "invalid platform \"" + platform + "\": expected os/arch");
      return;
    }
    switch (ex.getRequestMethod()) {
      case "GET", "HEAD" -> {
        Optional<IndexedImage> image = config.index.image(reference, platform);
        if (image.isEmpty()) {
          send(ex, 404, "text/plain", "no manifest for " + reference + " " + platform);
          return;
        }
        ex.getResponseHeaders().set("Docker-Content-Digest", image.get().digest());
        send(ex, 200, image.get().mediaType(), image.get().manifest());
      }
      case "PUT" -> {
        String mediaType = ex.getRequestHeaders().getFirst("Content-Type");
        if (mediaType == null || mediaType.isBlank()) {
          send(ex, 400, "text/plain", "Content-Type (the manifest media type) is required");
          return;
        }
        byte[] body = readBody(ex, MAX_MANIFEST_BYTES);
        if (body == null) {
          send(ex, 413, "text/plain", "manifest larger than " + MAX_MANIFEST_BYTES + " bytes");
          return;
        }
        String digest = "sha256:" + HexFormat.of().formatHex(sha256(body));
        config.index.putImage(reference, platform, new IndexedImage(mediaType, digest, body));
        ex.getResponseHeaders().set("Docker-Content-Digest", digest);
        send(ex, 201, "text/plain", digest);
      }
      default -> send(ex, 405, "text/plain", "use GET or PUT");
    }
  }

  // ---- HTTP plumbing ----

  /**
   * Decodes a query string keeping values as bytes: {@code info_hash} and {@code peer_id} are
   * percent-encoded binary, not UTF-8 text.
   */
  static Map<String, List<byte[]>> decodeQuery(String rawQuery) {
    Map<String, List<byte[]>> result = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return result;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = new String(percentDecode(eq < 0 ? pair : pair.substring(0, eq)), UTF8);
      byte[] value = eq < 0 ? new byte[0] : percentDecode(pair.substring(eq + 1));
      result.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return result;
  }

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private static byte[] percentDecode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= s.length()) {
          throw new IllegalArgumentException("truncated percent-encoding in query");
        }
        out.write(HexFormat.fromHexDigits(s, i + 1, i + 3));
        i += 2;
      } else if (c == '+') {
        out.write(' ');
      } else if (c < 0x80) {
        out.write(c);
      } else {
        out.writeBytes(String.valueOf(c).getBytes(UTF8));
      }
    }
    return out.toByteArray();
  }

  private static byte[] readBody(HttpExchange ex, int limit) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] body = in.readNBytes(limit + 1);
      return body.length > limit ? null : body;
    }
  }

  private static void sendBencoded(HttpExchange ex, Map<String, Object> body) throws IOException {
    send(ex, 200, "text/plain", Bencode.encode(body));
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    send(ex, status, type + "; charset=utf-8", (body + "\n").getBytes(UTF8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void sendQuietly(HttpExchange ex, int status, String type, String body) {
    try {
      send(ex, status, type, body);
    } catch (IOException | RuntimeException ignored) {
      // The response was already started or the client went away; nothing more to tell it.
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** Configures a {@link TrackerServer}; every setting has a default. */
  public static final class Builder {
    private InetAddress bindAddress = InetAddress.getLoopbackAddress();
    private int port;
    private Duration interval = Duration.ofSeconds(30);
    private int missedAnnounces = 2;
    private int defaultNumwant = 50;
    private int maxNumwant = 200;
    private PeerSelector selector = new RandomPeerSelector();
    private IndexStore index = new InMemoryIndexStore();
    private Clock clock = Clock.systemUTC();
    private String advertisedAnnounceUrl;
    private int threads = 8;

    private Builder() {}

    /** Address to bind (default loopback; the wildcard address serves every interface). */
    public Builder bindAddress(InetAddress address) {
      this.bindAddress = Objects.requireNonNull(address);
      return this;
    }

    /** Port to bind; {@code 0} (the default) picks a free one, see {@link #port()}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("invalid port " + port);
      }
      this.port = port;
      return this;
    }

    /** The re-announce interval given to clients. */
    public Builder interval(Duration interval) {
      if (interval.toSeconds() < 1) {
        throw new IllegalArgumentException("interval must be at least one second");
      }
      this.interval = interval;
      return this;
    }

    /** How many announces a peer may miss before it is dropped (default 2). */
    public Builder missedAnnounces(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("missedAnnounces must be at least 1");
      }
      this.missedAnnounces = count;
      return this;
    }

    /** Peers returned when the client does not say ({@code numwant}), and the cap when it does. */
    public Builder numwant(int defaultNumwant, int maxNumwant) {
      if (defaultNumwant < 0 || maxNumwant < defaultNumwant) {
        throw new IllegalArgumentException("need 0 <= default numwant <= max numwant");
      }
      this.defaultNumwant = defaultNumwant;
      this.maxNumwant = maxNumwant;
      return this;
    }

    /** How to choose and order peers in announce replies. */
    public Builder peerSelector(PeerSelector selector) {
      this.selector = Objects.requireNonNull(selector);
      return this;
    }

    /** Where the index keeps metainfo and manifests. */
    public Builder indexStore(IndexStore index) {
      this.index = Objects.requireNonNull(index);
      return this;
    }

    /** The clock peer expiry is measured with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /**
     * The announce URL clients should use (for example a Service's name); written into metainfo
     * served by the index when it names no tracker. Default: from the bind address and port.
     */
    public Builder advertisedAnnounceUrl(String url) {
      this.advertisedAnnounceUrl = url;
      return this;
    }

    /** Request-handling threads (default 8). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1");
      }
      this.threads = threads;
      return this;
    }

    Duration peerTimeout() {
      // Half an interval of grace: announcing a little late (a slow client, GC) must not drop a
      // peer.
      return interval.multipliedBy(missedAnnounces).plus(interval.dividedBy(2));
    }

    /** Creates the (not yet started) server. */
    public TrackerServer build() {
      return new TrackerServer(this);
    }
  }
}
