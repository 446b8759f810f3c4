package io.quayctl.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.RegistryException.Kind;
import io.quayctl.store.BlobStore;
import io.quayctl.store.DigestMismatchException;
import io.quayctl.store.StoreWriteException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Registry} adapter over the OCI distribution API, on the JDK HTTP client.
 *
 * <ul>
 *   <li>Authentication: anonymous or credentialed Bearer tokens (cached per scope until {@code
 *       expires_in}) and Basic, learned from the registry's {@code 401} challenge; a {@code 401} in
 *       the middle of a download (expired token) fetches a new token and resumes.
 *   <li>Redirects are followed here, not by the HTTP client, so that {@code Authorization} is only
 *       ever sent to the registry's own origin and never to a storage host it redirects to.
 *   <li>Plain HTTP is used for registries named in {@link Builder#plainHttp} and, like Docker's
 *       implicit insecure registries, for loopback hosts ({@code localhost}, {@code 127.0.0.0/8},
 *       {@code [::1]}); HTTPS otherwise.
 *   <li>Blobs stream into {@link BlobStore#partialPath} with sha256 checked on the way; an
 *       interrupted download resumes with {@code Range: bytes=N-M} (also after a restart of the
 *       process) and is committed only when its digest matches.
 *   <li>Blob downloads keep to {@link Builder#downloadRateLimit}, shared by all of them.
 * </ul>
 */
public final class RegistryClient implements Registry {
  private static final Logger log = LoggerFactory.getLogger(RegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The most manifest bytes read, as containerd does: a manifest is never this large. */
  static final int MAX_MANIFEST_BYTES = 4 << 20;

  private static final int MAX_CONFIG_CACHE_BYTES = 1 << 20;
  private static final int CONFIG_CACHE_ENTRIES = 64;
  private static final int MAX_ERROR_BODY = 64 << 10;
  private static final int MAX_REDIRECTS = 5;
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

  /**
   * Downloads in progress in this JVM, by store root and digest: concurrent fetches of one blob
   * into one store share a download even through different clients.
   */
  private static final ConcurrentHashMap<String, CompletableFuture<Path>> IN_FLIGHT =
      new ConcurrentHashMap<>();

  private final HttpClient http;
  private final RegistryAuth auth;
  private final Set<String> plainHttp;
  private final Duration responseTimeout;
  private final int maxAttempts;
  private final Duration retryDelay;
  private final String userAgent;
  private final TransferRateLimit rateLimit;
  private final String plainHttpHint;
  private final Map<Digest, byte[]> configs =
      Collections.synchronizedMap(
          new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Digest, byte[]> eldest) {
              return size() > CONFIG_CACHE_ENTRIES;
            }
          });

  private RegistryClient(Builder b) {
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(b.connectTimeout)
            .build();
    this.plainHttp = Set.copyOf(b.plainHttp);
    this.responseTimeout = b.responseTimeout;
    this.maxAttempts = b.maxAttempts;
    this.retryDelay = b.retryDelay;
    this.userAgent = b.userAgent;
    this.rateLimit =
        b.sharedRateLimit != null
            ? b.sharedRateLimit
            : b.downloadRateLimit > 0
                ? new TransferRateLimit(b.downloadRateLimit, System::nanoTime)
                : null;
    this.plainHttpHint = b.plainHttpHint;
    this.auth = new RegistryAuth(http, b.credentials, b.clock, b.responseTimeout, b.userAgent);
  }

  /** Starts configuring a client. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configuration of a {@link RegistryClient}; every setting has a working default. */
  public static final class Builder {
    private CredentialProvider credentials = CredentialProvider.NONE;
    private final Set<String> plainHttp = new HashSet<>();
    private Clock clock = Clock.systemUTC();
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration responseTimeout = Duration.ofSeconds(60);
    private int maxAttempts = 5;
    private Duration retryDelay = Duration.ofMillis(200);
    private String userAgent = "quayctl";
    private long downloadRateLimit;
    private TransferRateLimit sharedRateLimit;
    private String plainHttpHint = "make it one of this client's plain-HTTP registries";

    private Builder() {}

    /**
     * What a TLS failure message tells the user to do when the registry may serve plain HTTP, e.g.
     * the command-line flag that calls {@link #plainHttp}.
     */
    public Builder plainHttpHint(String hint) {
      this.plainHttpHint = Objects.requireNonNull(hint);
      return this;
    }

    /**
     * The most bytes per second that {@link #fetch} downloads take together, 0 for no limit (the
     * default). Streams from {@link #openBlob} are not limited: their reader paces them.
     */
    public Builder downloadRateLimit(long bytesPerSecond) {
      if (bytesPerSecond < 0) {
        throw new IllegalArgumentException("negative download rate limit " + bytesPerSecond);
      }
      this.downloadRateLimit = bytesPerSecond;
      return this;
    }

    /** Like {@link #downloadRateLimit(long)}, with a limit shared with other clients. */
    public Builder downloadRateLimit(TransferRateLimit shared) {
      this.sharedRateLimit = Objects.requireNonNull(shared);
      return this;
    }

    /** Where logins come from (default: anonymous only). */
    public Builder credentials(CredentialProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials);
      return this;
    }

    /**
     * Talks plain HTTP to {@code registry} (as {@link ImageReference#registry()} names it), like
     * Docker's {@code insecure-registries}. Loopback registries use plain HTTP without this.
     */
    public Builder plainHttp(String registry) {
      plainHttp.add(registry);
      return this;
    }

    /** The clock that token expiry is measured on. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** How long to wait for a TCP connection (default 10 s). */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** How long to wait for response headers (default 60 s). */
    public Builder responseTimeout(Duration timeout) {
      this.responseTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Attempts in a row without progress before a transfer fails (default 5); the delay before a
     * retry starts at {@code retryDelay} (default 200 ms) and doubles.
     */
    public Builder retries(int maxAttempts, Duration retryDelay) {
      if (maxAttempts < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1");
      }
      this.maxAttempts = maxAttempts;
      this.retryDelay = Objects.requireNonNull(retryDelay);
      return this;
    }

    /** The User-Agent header (default {@code quayctl}). */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent);
      return this;
    }

    /** Builds the client. */
    public RegistryClient build() {
      return new RegistryClient(this);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Manifests

  @Override
  public ResolvedImage resolve(ImageReference reference, Platform platform) throws IOException {
    Objects.requireNonNull(platform, "platform");
    Target target = new Target(reference);
    Manifest top =
        getManifest(target, reference.manifestReference(), reference.digest().orElse(null));
    if (MediaTypes.isIndex(top.mediaType())) {
      ResolvedImage.IndexManifest index =
          new ResolvedImage.IndexManifest(top.digest(), top.mediaType(), top.bytes());
      Descriptor chosen = choosePlatform(target, top, platform);
      Manifest image = getManifest(target, chosen.digest().toString(), chosen.digest());
      if (!MediaTypes.isImageManifest(image.mediaType())) {
        throw new RegistryException(
            Kind.UNSUPPORTED,
            "the "
                + chosen.platform()
                + " entry of image "
                + reference
                + " is a "
                + image.mediaType()
                + ", not an image manifest");
      }
      if (image.bytes().length != chosen.size()) {
        throw new RegistryException(
            Kind.PROTOCOL,
            "the index of image "
                + reference
                + " says its "
                + chosen.platform()
                + " manifest has "
                + chosen.size()
                + " bytes, but it has "
                + image.bytes().length);
      }
      return imageOf(target, image, chosen.platform(), Optional.of(index));
    }
    ResolvedImage single = imageOf(target, top, null, Optional.empty());
    Platform actual = configPlatform(target, single.config(), platform);
    if (!platform.matches(actual)) {
      throw new RegistryException(
          Kind.NOT_FOUND,
          "image " + reference + " is for " + actual + " only; this machine needs " + platform);
    }
    return new ResolvedImage(
        single.reference(),
        single.manifestDigest(),
        single.manifestMediaType(),
        single.manifestBytes(),
        single.config(),
        single.layers(),
        actual,
        Optional.empty());
  }

  private record Manifest(byte[] bytes, String mediaType, Digest digest, JsonNode json) {}

  private Manifest getManifest(Target target, String ref, Digest expected) throws IOException {
    URI uri = target.uri("/manifests/" + ref);
    String what =
        expected != null && !ref.equals(target.reference.manifestReference())
            ? "manifest " + expected + " of image " + target.reference
            : "image " + target.reference;
    byte[] bytes;
    String contentType;
    String headerDigest;
    HttpResponse<InputStream> response =
        sendWithRetry(target, uri, what, "Accept", String.join(", ", MediaTypes.MANIFEST_ACCEPT));
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 404) {
        throw new RegistryException(
            Kind.NOT_FOUND,
            what + " not found in registry " + target.registry() + errorDetail(body));
      }
      expectOk(target, response, what, body);
      bytes = readBounded(body, MAX_MANIFEST_BYTES, what);
      contentType = response.headers().firstValue("Content-Type").orElse("");
      headerDigest = response.headers().firstValue("Docker-Content-Digest").orElse(null);
    }
    Digest actual = Digest.of(bytes);
    String source = "registry " + target.registry() + " (" + what + ")";
    if (expected != null && !actual.equals(expected)) {
      throw new DigestMismatchException(expected, actual, source);
    }
    if (headerDigest != null && headerDigest.startsWith("sha256:")) {
      Digest claimed;
      try {
        claimed = Digest.parse(headerDigest.strip());
      } catch (IllegalArgumentException e) {
        throw new RegistryException(
            Kind.PROTOCOL, source + " sent an invalid Docker-Content-Digest: " + e.getMessage());
      }
      if (!claimed.equals(actual)) {
        throw new DigestMismatchException(claimed, actual, source);
      }
    }
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new RegistryException(Kind.PROTOCOL, source + " is not valid JSON", e);
    }
    if (json == null || !json.isObject()) {
      throw new RegistryException(Kind.PROTOCOL, source + " is not a JSON object");
    }
    String mediaType = mediaTypeOf(contentType, json);
    if (MediaTypes.isSchema1(mediaType)) {
      throw new RegistryException(
          Kind.UNSUPPORTED,
          what
              + " in registry "
              + target.registry()
              + " has a Docker schema 1 manifest, which is not supported (it was retired in"
              + " 2017); push the image again with a current Docker, buildah or skopeo");
    }
    if (!MediaTypes.isIndex(mediaType) && !MediaTypes.isImageManifest(mediaType)) {
      throw new RegistryException(
          Kind.UNSUPPORTED,
          what
              + " in registry "
              + target.registry()
              + " has media type \""
              + mediaType
              + "\", which is not an image manifest or index");
    }
    return new Manifest(bytes, mediaType, actual, json);
  }

  /**
   * The media type from Content-Type when it names a manifest type, else the document's own {@code
   * mediaType}, else what its shape says.
   */
  private static String mediaTypeOf(String contentType, JsonNode json) {
    String ct = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (MediaTypes.isIndex(ct) || MediaTypes.isImageManifest(ct) || MediaTypes.isSchema1(ct)) {
      return ct;
    }
    JsonNode field = json.get("mediaType");
    if (field != null && field.isTextual() && !field.asText().isEmpty()) {
      return field.asText();
    }
    JsonNode schema = json.get("schemaVersion");
    if (schema != null && schema.asInt() == 1) {
      return MediaTypes.DOCKER_MANIFEST_V1_SIGNED;
    }
    if (json.has("manifests")) {
      return MediaTypes.OCI_INDEX;
    }
    if (json.has("config") && json.has("layers")) {
      return MediaTypes.OCI_MANIFEST;
    }
    return ct.isEmpty() ? "unknown" : ct;
  }

  private Descriptor choosePlatform(Target target, Manifest index, Platform wanted)
      throws IOException {
    JsonNode manifests = index.json().get("manifests");
    if (manifests == null || !manifests.isArray()) {
      throw new RegistryException(
          Kind.PROTOCOL, "the index of image " + target.reference + " has no \"manifests\" list");
    }
    List<Descriptor> candidates = new ArrayList<>();
    List<String> available = new ArrayList<>();
    for (JsonNode entry : manifests) {
      Descriptor d = ImageManifests.descriptor(target.reference, entry, "index entry");
      if (d.platform() == null) {
        available.add("(no platform)");
        continue;
      }
      available.add(d.platform().toString());
      if (wanted.matches(d.platform())
          && (d.mediaType() == null || MediaTypes.isImageManifest(d.mediaType()))) {
        candidates.add(d);
      }
    }
    if (candidates.isEmpty()) {
      throw new RegistryException(
          Kind.NOT_FOUND,
          "image "
              + target.reference
              + " has no manifest for platform "
              + wanted
              + "; available: "
              + (available.isEmpty() ? "none" : String.join(", ", available)));
    }
    for (Descriptor d : candidates) {
      if (Objects.equals(d.platform().variant(), wanted.variant())) {
        return d;
      }
    }
    return candidates.get(0);
  }

  private ResolvedImage imageOf(
      Target target, Manifest m, Platform platform, Optional<ResolvedImage.IndexManifest> index)
      throws IOException {
    return ImageManifests.image(
        target.reference, m.bytes(), m.json(), m.mediaType(), platform, index);
  }

  /** Reads the (small) config blob to learn a single-platform image's platform; keeps it. */
  private Platform configPlatform(Target target, Descriptor config, Platform fallback)
      throws IOException {
    if (config.size() > MAX_CONFIG_CACHE_BYTES) {
      return fallback;
    }
    byte[] bytes;
    try (InputStream in = openBlob(target.reference, config.digest(), 0, -1)) {
      bytes = readBounded(in, MAX_CONFIG_CACHE_BYTES, "config of image " + target.reference);
    }
    Digest actual = Digest.of(bytes);
    if (!actual.equals(config.digest())) {
      throw new DigestMismatchException(
          config.digest(), actual, "registry " + target.registry() + " (config)");
    }
    configs.put(config.digest(), bytes);
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (IOException e) {
      return fallback;
    }
    if (json == null || !json.hasNonNull("os") || !json.hasNonNull("architecture")) {
      return fallback;
    }
    return new Platform(
        json.get("os").asText(),
        json.get("architecture").asText(),
        json.hasNonNull("variant") ? json.get("variant").asText() : null);
  }

  // ---------------------------------------------------------------------------------------------
  // Blobs

  @Override
  public InputStream openBlob(ImageReference repository, Digest digest, long offset, long length)
      throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    if (length == 0) {
      return InputStream.nullInputStream();
    }
    Target target = new Target(repository);
    String what = "blob " + digest + " of " + repository.name();
    boolean ranged = offset > 0 || length > 0;
    String range = "bytes=" + offset + "-" + (length > 0 ? offset + length - 1 : "");
    HttpResponse<InputStream> response =
        ranged
            ? sendWithRetry(target, target.uri("/blobs/" + digest), what, "Range", range)
            : sendWithRetry(target, target.uri("/blobs/" + digest), what);
    InputStream body = response.body();
    try {
      int status = response.statusCode();
      if (status == 404) {
        throw new RegistryException(
            Kind.NOT_FOUND,
            what + " not found in registry " + target.registry() + errorDetail(body));
      }
      if (status == 416) {
        throw new RegistryException(
            Kind.PROTOCOL, "range " + range + " is outside " + what + errorDetail(body));
      }
      if (status == 206) {
        long[] got = contentRange(response);
        if (got[0] != offset) {
          throw new RegistryException(
              Kind.PROTOCOL,
              "asked for " + range + " of " + what + " and got bytes from " + got[0]);
        }
        long expected = got[1] - got[0] + 1;
        return new ExactInputStream(body, length > 0 ? Math.min(length, expected) : expected, what);
      }
      expectOk(target, response, what, body);
      // The server ignored Range: skip to the offset ourselves.
      OptionalLong total = response.headers().firstValueAsLong("Content-Length");
      body.skipNBytes(offset);
      if (length > 0) {
        return new ExactInputStream(body, length, what);
      }
      return total.isPresent()
          ? new ExactInputStream(body, total.getAsLong() - offset, what)
          : body;
    } catch (IOException | RuntimeException e) {
      body.close();
      throw e;
    }
  }

  @Override
  public Path fetch(
      ImageReference repository, Descriptor blob, BlobStore store, TransferListener listener)
      throws IOException {
    Digest digest = blob.digest();
    Optional<Path> present = store.find(digest);
    if (present.isPresent()) {
      return present.get();
    }
    byte[] config = configs.get(digest);
    if (config != null) {
      Path path = store.write(digest, new ByteArrayInputStream(config));
      listener.transferred(digest, config.length);
      return path;
    }
    String key = store.root() + "\n" + digest;
    CompletableFuture<Path> mine = new CompletableFuture<>();
    CompletableFuture<Path> running = IN_FLIGHT.putIfAbsent(key, mine);
    if (running != null) {
      return await(running, digest);
    }
    try {
      Path path = download(new Target(repository), blob, store, listener);
      mine.complete(path);
      return path;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      deleteIfEmpty(store.partialPath(digest));
      throw e;
    } finally {
      IN_FLIGHT.remove(key, mine);
    }
  }

  private Path download(Target target, Descriptor blob, BlobStore store, TransferListener listener)
      throws IOException {
    Digest digest = blob.digest();
    long size = blob.size();
    Path partial = store.partialPath(digest);
    Files.createDirectories(partial.getParent());
    String what = "blob " + digest + " of " + target.reference.name();
    try (FileChannel file =
            FileChannel.open(
                partial,
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock = file.lock()) {
      // Another process may have finished the same blob while we waited for the lock.
      Optional<Path> present = store.find(digest);
      if (present.isPresent()) {
        return present.get();
      }
      if (file.size() > size) {
        file.truncate(0);
      }
      MessageDigest sha = Digest.newSha256();
      long resumedAt = file.size();
      if (resumedAt > 0) {
        log.info("resuming {} at {} of {} bytes", what, resumedAt, size);
        hashPrefix(file, sha);
      }
      while (true) {
        Digest actual = transferAll(target, digest, size, file, sha, what, listener);
        if (actual.equals(digest)) {
          break;
        }
        file.truncate(0);
        if (resumedAt == 0) {
          Files.deleteIfExists(partial);
          throw new DigestMismatchException(digest, actual, "registry " + target.registry());
        }
        // The bytes kept from an earlier run may be what is wrong (a crash, a damaged disk):
        // the registry gets one more chance, from the first byte.
        log.warn(
            "{} did not verify after resuming at {} bytes: the partial data kept from an earlier"
                + " run may be damaged; downloading it again from the start",
            what,
            resumedAt);
        resumedAt = 0;
        sha = Digest.newSha256();
      }
      // Committed under the lock so that no other process starts on the renamed file.
      return store.commit(digest, partial);
    }
  }

  /** Appends the rest of the blob to {@code file}, retrying; returns the digest of the whole. */
  private Digest transferAll(
      Target target,
      Digest digest,
      long size,
      FileChannel file,
      MessageDigest sha,
      String what,
      TransferListener listener)
      throws IOException {
    int failures = 0;
    boolean useRange = true;
    while (file.size() < size) {
      long before = file.size();
      try {
        useRange = transfer(target, digest, size, file, sha, useRange, what, listener);
      } catch (RegistryException | StoreWriteException e) {
        throw e;
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failures = file.size() > before ? 1 : failures + 1;
        if (failures >= maxAttempts) {
          throw new RegistryException(
              Kind.UNREACHABLE,
              "download of "
                  + what
                  + " from registry "
                  + target.registry()
                  + " failed "
                  + failures
                  + " times in a row at "
                  + file.size()
                  + " of "
                  + size
                  + " bytes: "
                  + e.getMessage(),
              e);
        }
        log.warn(
            "download of {} interrupted at {} of {} bytes ({}); retrying",
            what,
            file.size(),
            size,
            e.toString());
        sleep(retryDelay.multipliedBy(1L << Math.min(failures - 1, 6)));
      }
    }
    return Digest.fromSha256(sha.digest());
  }

  /**
   * One GET of the rest of the blob, appended to {@code file}. Returns whether Range may be used on
   * the next attempt.
   */
  private boolean transfer(
      Target target,
      Digest digest,
      long size,
      FileChannel file,
      MessageDigest sha,
      boolean useRange,
      String what,
      TransferListener listener)
      throws IOException {
    long start = file.size();
    URI uri = target.uri("/blobs/" + digest);
    HttpResponse<InputStream> response =
        start > 0 && useRange
            ? send(target, uri, what, "Range", "bytes=" + start + "-" + (size - 1))
            : send(target, uri, what);
    boolean rangeOk = useRange;
    try (InputStream body = response.body()) {
      int status = response.statusCode();
      if (status == 404) {
        throw new RegistryException(
            Kind.NOT_FOUND,
            what + " not found in registry " + target.registry() + errorDetail(body));
      }
      if (status == 416) {
        log.warn("registry {} refused range from {} of {}; starting over", target, start, what);
        restart(file, sha);
        return false;
      }
      if (status == 206) {
        if (contentRange(response)[0] != start) {
          restart(file, sha);
          return false;
        }
      } else {
        if (status >= 500 || status == 429) {
          // Retried by the caller, resuming where this attempt stopped.
          throw new IOException("registry answered HTTP " + status + errorDetail(body));
        }
        expectOk(target, response, what, body);
        if (start > 0) {
          log.info("registry {} ignored Range for {}; starting over", target.registry(), what);
          restart(file, sha);
          rangeOk = false;
        }
      }
      long position = file.size();
      byte[] buf = new byte[128 << 10];
      int n;
      while ((n = body.read(buf)) > 0) {
        if (position + n > size) {
          restart(file, sha);
          throw new RegistryException(
              Kind.PROTOCOL,
              "registry "
                  + target.registry()
                  + " sent more than the "
                  + size
                  + " bytes of "
                  + what);
        }
        ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
        try {
          while (bb.hasRemaining()) {
            position += file.write(bb, position);
          }
        } catch (IOException e) {
          throw new StoreWriteException(what, e);
        }
        sha.update(buf, 0, n);
        listener.transferred(digest, n);
        if (rateLimit != null) {
          rateLimit.acquire(n);
        }
      }
      if (position < size) {
        throw new IOException("connection closed after " + position + " of " + size + " bytes");
      }
      return rangeOk;
    }
  }

  /** A failed download keeps its bytes for a later resume, but not an empty file. */
  private static void deleteIfEmpty(Path partial) {
    try {
      if (Files.size(partial) == 0) {
        Files.deleteIfExists(partial);
      }
    } catch (IOException e) {
      // Absent already, or unreadable: nothing worth keeping either way.
    }
  }

  private static void restart(FileChannel file, MessageDigest sha) throws IOException {
    file.truncate(0);
    sha.reset();
  }

  private static void hashPrefix(FileChannel file, MessageDigest sha) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long position = 0;
    long end = file.size();
    while (position < end) {
      buf.clear();
      int n = file.read(buf, position);
      if (n < 0) {
        break;
      }
      buf.flip();
      sha.update(buf);
      position += n;
    }
  }

  private static Path await(CompletableFuture<Path> running, Digest digest) throws IOException {
    try {
      return running.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the download of " + digest);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException("the shared download of " + digest + " failed", e.getCause());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  /** A repository on a registry, the unit of authorisation. */
  private final class Target {
    final ImageReference reference;
    final String base;
    final String scope;

    Target(ImageReference reference) {
      this.reference = reference;
      String host = reference.apiHost();
      this.base = (usePlainHttp(reference.registry(), host) ? "http://" : "https://") + host;
      this.scope = "repository:" + reference.repository() + ":pull";
    }

    String registry() {
      return reference.registry();
    }

    URI uri(String path) {
      return URI.create(base + "/v2/" + reference.repository() + path);
    }

    @Override
    public String toString() {
      return reference.registry();
    }
  }

  private boolean usePlainHttp(String registry, String host) {
    if (plainHttp.contains(registry) || plainHttp.contains(host)) {
      return true;
    }
    String name = host;
    if (name.startsWith("[")) {
      name = name.substring(1, name.indexOf(']'));
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    if (name.equals("localhost")) {
      return true;
    }
    if (name.matches("[0-9.]+") || name.contains(":")) {
      try {
        return InetAddress.getByName(name).isLoopbackAddress();
      } catch (UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  /** {@link #send}, retried with back-off on transient failures (connection drops, 5xx, 429). */
  private HttpResponse<InputStream> sendWithRetry(
      Target target, URI uri, String what, String... headers) throws IOException {
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        HttpResponse<InputStream> response = send(target, uri, what, headers);
        int status = response.statusCode();
        if ((status >= 500 || status == 429) && attempt < maxAttempts) {
          discard(response);
          log.warn("registry {} answered {} for {}; retrying", target, status, what);
          sleep(retryDelay.multipliedBy(1L << Math.min(attempt - 1, 6)));
          continue;
        }
        return response;
      } catch (RegistryException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (attempt >= maxAttempts) {
          throw new RegistryException(
              Kind.UNREACHABLE,
              "registry "
                  + target.registry()
                  + " failed "
                  + attempt
                  + " times for "
                  + what
                  + ": "
                  + networkProblem(e),
              e);
        }
        log.warn("request for {} to registry {} failed ({}); retrying", what, target, e.toString());
        sleep(retryDelay.multipliedBy(1L << Math.min(attempt - 1, 6)));
      }
    }
  }

  /**
   * Sends a GET to the registry with authentication, answering one {@code 401} by
   * (re-)authenticating and following redirects; {@code Authorization} goes only to the registry's
   * origin. The caller closes the response body.
   */
  private HttpResponse<InputStream> send(Target target, URI uri, String what, String... headers)
      throws IOException {
    URI current = uri;
    URI origin = uri;
    boolean reauthenticated = false;
    int redirects = 0;
    while (true) {
      boolean sameOrigin = sameOrigin(current, origin);
      String authorization =
          sameOrigin ? auth.authorization(target.registry(), target.scope) : null;
      HttpRequest.Builder request =
          HttpRequest.newBuilder(current)
              .GET()
              .timeout(responseTimeout)
              .header("User-Agent", userAgent);
      if (current.getScheme().equals("http")) {
        request.version(HttpClient.Version.HTTP_1_1);
      }
      for (int i = 0; i + 1 < headers.length; i += 2) {
        request.header(headers[i], headers[i + 1]);
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<InputStream> response = exchange(request.build(), target, sameOrigin);
      int status = response.statusCode();
      if (status == 401 && sameOrigin && !reauthenticated) {
        List<String> challenge = response.headers().allValues("WWW-Authenticate");
        discard(response);
        auth.unauthorized(target.registry(), target.scope, challenge, authorization);
        reauthenticated = true;
        continue;
      }
      if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
        Optional<String> location = response.headers().firstValue("Location");
        discard(response);
        if (location.isEmpty()) {
          throw new RegistryException(
              Kind.PROTOCOL, "registry " + target + " redirected " + what + " without a Location");
        }
        if (++redirects > MAX_REDIRECTS) {
          throw new RegistryException(
              Kind.PROTOCOL, "more than " + MAX_REDIRECTS + " redirects for " + what);
        }
        current = current.resolve(location.get());
        if (!sameOrigin(current, origin)) {
          log.debug("{} redirected to {}://{}", what, current.getScheme(), current.getAuthority());
        }
        continue;
      }
      if (status == 401 || status == 403) {
        discard(response);
        String where =
            sameOrigin
                ? "; " + auth.describe(target.registry())
                : " by " + current.getAuthority() + " (redirected from " + target + ")";
        throw new RegistryException(
            Kind.UNAUTHORIZED, "access denied to " + what + " (HTTP " + status + where + ")");
      }
      return response;
    }
  }

  private HttpResponse<InputStream> exchange(HttpRequest request, Target target, boolean registry)
      throws IOException {
    String host =
        registry
            ? "registry " + target.registry()
            : "storage host " + request.uri().getAuthority() + " (redirected from " + target + ")";
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      // Docker Hub is read at another host than its name.
      String at =
          registry && !request.uri().getAuthority().equals(target.registry())
              ? " at " + request.uri().getAuthority()
              : "";
      throw new RegistryException(
          Kind.UNREACHABLE, "cannot reach " + host + at + ": " + networkProblem(e), e);
    } catch (SSLException e) {
      throw new RegistryException(
          Kind.UNREACHABLE,
          "TLS with "
              + host
              + " failed: "
              + e.getMessage()
              + " (if it serves plain HTTP, "
              + plainHttpHint
              + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while talking to " + host);
    }
  }

  /**
   * Why a connection failed, in words: the JDK client's ConnectException has no message and hides
   * the reason in its causes.
   */
  static String networkProblem(Throwable e) {
    String firstMessage = null;
    boolean connect = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      connect |= t instanceof ConnectException;
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (t instanceof HttpConnectTimeoutException || t instanceof SocketTimeoutException) {
        return "timed out";
      }
      if (t instanceof NoRouteToHostException) {
        return "no route to host";
      }
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("connection refused")) {
        return "connection refused";
      }
      if (m.contains("no route to host")) {
        return "no route to host";
      }
      if (m.contains("network is unreachable")) {
        return "no route: network is unreachable";
      }
      if (m.contains("timed out")) {
        return "timed out";
      }
      if (firstMessage == null && !m.isBlank() && !m.equals(String.valueOf(t.getCause()))) {
        firstMessage = t.getMessage();
      }
    }
    if (firstMessage != null) {
      return firstMessage;
    }
    // What the JDK client throws for a refused connection: ConnectExceptions without a message.
    return connect ? "connection refused" : "connection failed";
  }

  private void expectOk(
      Target target, HttpResponse<InputStream> response, String what, InputStream body)
      throws IOException {
    int status = response.statusCode();
    if (status == 200) {
      return;
    }
    String detail = errorDetail(body);
    if (status >= 500 || status == 429) {
      throw new RegistryException(
          Kind.UNREACHABLE,
          "registry " + target.registry() + " answered HTTP " + status + " for " + what + detail);
    }
    throw new RegistryException(
        Kind.PROTOCOL,
        "registry " + target.registry() + " answered HTTP " + status + " for " + what + detail);
  }

  /** The registry's error message from a JSON error body, as ": CODE: message", or "". */
  private static String errorDetail(InputStream body) {
    try {
      byte[] bytes = body.readNBytes(MAX_ERROR_BODY);
      JsonNode errors = JSON.readTree(bytes).get("errors");
      if (errors != null && errors.isArray() && errors.size() > 0) {
        JsonNode first = errors.get(0);
        return ": " + first.path("code").asText("") + " " + first.path("message").asText("");
      }
    } catch (IOException | RuntimeException e) {
      // Not a distribution error body; the status says enough.
    }
    return "";
  }

  /** The first and last byte positions of a 206 response's Content-Range. */
  private static long[] contentRange(HttpResponse<?> response) throws RegistryException {
    String value = response.headers().firstValue("Content-Range").orElse("");
    Matcher m = CONTENT_RANGE.matcher(value.strip());
    if (!m.matches()) {
      throw new RegistryException(
          Kind.PROTOCOL, "206 response with an invalid Content-Range \"" + value + "\"");
    }
    return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().equalsIgnoreCase(b.getHost())
        && port(a) == port(b);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  private static void discard(HttpResponse<InputStream> response) {
    try (InputStream in = response.body()) {
      in.readNBytes(MAX_ERROR_BODY);
    } catch (IOException e) {
      // The connection is dropped instead of reused; nothing else to do.
    }
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry");
    }
  }

  /** Reads a whole stream that must not exceed {@code limit} bytes. */
  static byte[] readBounded(InputStream in, int limit, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[16 << 10];
    int n;
    while ((n = in.read(buf)) > 0) {
      if (out.size() + n > limit) {
        throw new RegistryException(Kind.PROTOCOL, what + " is larger than " + limit + " bytes");
      }
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  /**
   * Exactly {@code length} bytes of the underlying stream: stops there, and fails instead of ending
   * early, so a cut connection never looks like a short blob.
   */
  private static final class ExactInputStream extends FilterInputStream {
    private final String what;
    private long remaining;

    ExactInputStream(InputStream in, long length, String what) {
      super(in);
      this.remaining = length;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new IOException(what + " ended " + remaining + " bytes early");
      }
      remaining -= n;
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, remaining));
      remaining -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(super.available(), remaining);
    }
  }
}
