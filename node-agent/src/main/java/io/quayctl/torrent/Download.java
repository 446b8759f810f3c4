package io.quayctl.torrent;

import io.quayctl.api.Digest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** A download in progress; {@link #completion()} yields the verified, committed blob. */
public final class Download {
  private final Digest digest;
  private final CompletableFuture<Path> completion;

  Download(Digest digest, CompletableFuture<Path> completion) {
    this.digest = digest;
    this.completion = completion;
  }

  /** The blob being downloaded. */
  public Digest digest() {
    return digest;
  }

  /**
   * Completes with the blob's path in the store, or exceptionally; a read-only view (completing it
   * does not affect the download: use {@link TorrentEngine#remove} to cancel).
   */
  public CompletableFuture<Path> completion() {
    return completion.copy();
  }
}
