package io.quayctl.torrent;

import io.quayctl.api.Digest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Moves blobs over BitTorrent: downloads them into the blob store (verified against their digest
 * before they become visible) and seeds them. One engine per process; one real adapter, {@link
 * LibtorrentEngine}.
 */
public interface TorrentEngine extends AutoCloseable {

  /** Opens the session and starts listening; construction does no I/O. */
  void start() throws IOException;

  /** The TCP port peers connect to (after {@link #start()}). */
  int listenPort();

  /**
   * Seeds a verified blob at {@code blob} (normally the store's path of {@code metainfo}'s digest),
   * announcing to {@code trackers}. Seeding an already seeded blob only adds trackers.
   */
  void seed(Path blob, Metainfo metainfo, List<URI> trackers) throws IOException;

  /**
   * Starts (or joins an ongoing) download into the blob store. The future completes with the
   * committed blob's path once the whole blob hashed to its digest, or fails with {@link
   * TorrentDownloadException} (timeout, no usable source, storage error) or {@link
   * io.quayctl.store.DigestMismatchException} (the metainfo did not describe the digest). Nothing
   * unverified is ever committed. A blob already in the store completes at once.
   */
  Download download(DownloadRequest request);

  /** Transfer counters of an active download or seed, if the engine knows the digest. */
  Optional<TransferStats> stats(Digest digest);

  /** Stops seeding or downloading a blob; a pending download fails with a cancellation. */
  void remove(Digest digest);

  /** Saves resume data of unfinished downloads and closes the session. */
  @Override
  void close();
}
