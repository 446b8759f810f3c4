package io.quayctl.torrent;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What to download and from where.
 *
 * @param metainfo the blob's metainfo, usually from the index
 * @param trackers announce URLs
 * @param webSeed a BEP 19 web seed URL (only on hosts allowed to read the registry), or null
 * @param knownPeers peers to connect to directly, besides those the trackers return
 * @param timeout how long the whole download may take before it fails
 * @param seedWhenDone whether to keep seeding the committed blob
 */
public record DownloadRequest(
    Metainfo metainfo,
    List<URI> trackers,
    URI webSeed,
    List<InetSocketAddress> knownPeers,
    Duration timeout,
    boolean seedWhenDone) {

  /** Default timeout for a download. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

  public DownloadRequest {
    Objects.requireNonNull(metainfo, "metainfo");
    trackers = List.copyOf(trackers);
    knownPeers = List.copyOf(knownPeers);
    Objects.requireNonNull(timeout, "timeout");
    if (webSeed != null && webSeed.getRawQuery() != null) {
      throw new IllegalArgumentException(
          "web seed URL must not carry a query string (libtorrent's SSRF mitigation drops it)");
    }
  }

  /** A request using trackers only, seeding afterwards, with the default timeout. */
  public static DownloadRequest of(Metainfo metainfo, List<URI> trackers) {
    return new DownloadRequest(metainfo, trackers, null, List.of(), DEFAULT_TIMEOUT, true);
  }

  /** This request with a web seed. */
  public DownloadRequest withWebSeed(URI url) {
    return new DownloadRequest(metainfo, trackers, url, knownPeers, timeout, seedWhenDone);
  }

  /** This request with peers to connect to directly. */
  public DownloadRequest withKnownPeers(List<InetSocketAddress> peers) {
    return new DownloadRequest(metainfo, trackers, webSeed, peers, timeout, seedWhenDone);
  }

  /** This request with another timeout. */
  public DownloadRequest withTimeout(Duration t) {
    return new DownloadRequest(metainfo, trackers, webSeed, knownPeers, t, seedWhenDone);
  }

  /** This request with or without seeding after the commit. */
  public DownloadRequest withSeedWhenDone(boolean seed) {
    return new DownloadRequest(metainfo, trackers, webSeed, knownPeers, timeout, seed);
  }
}
