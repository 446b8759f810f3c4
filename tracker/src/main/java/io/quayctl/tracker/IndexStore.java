package io.quayctl.tracker;

import java.util.Optional;

/**
 * Where the index keeps blob metainfo and resolved manifests. The default is {@link
 * InMemoryIndexStore}; the operator may back it with cluster storage later.
 */
public interface IndexStore {

  /** The metainfo registered for a blob digest ({@code sha256:<hex>}). */
  Optional<IndexedTorrent> torrent(String digest);

  /** Registers a blob's metainfo; the caller has validated it. */
  void putTorrent(IndexedTorrent torrent);

  /** The manifest registered for a normalised reference and platform ({@code ""}: none). */
  Optional<IndexedImage> image(String reference, String platform);

  /** Registers the manifest a reference resolved to for a platform ({@code ""}: none). */
  void putImage(String reference, String platform, IndexedImage image);
}
