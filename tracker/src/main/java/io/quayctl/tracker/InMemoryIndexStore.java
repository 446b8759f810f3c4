package io.quayctl.tracker;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link IndexStore} in memory: lost on restart, refilled as bastions re-register. */
public final class InMemoryIndexStore implements IndexStore {
  private final ConcurrentHashMap<String, IndexedTorrent> torrents = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, IndexedImage> images = new ConcurrentHashMap<>();

  @Override
  public Optional<IndexedTorrent> torrent(String digest) {
    return Optional.ofNullable(torrents.get(digest));
  }

  @Override
  public void putTorrent(IndexedTorrent torrent) {
    torrents.put(torrent.digest(), torrent);
  }

  @Override
  public Optional<IndexedImage> image(String reference, String platform) {
    return Optional.ofNullable(images.get(key(reference, platform)));
  }

  @Override
  public void putImage(String reference, String platform, IndexedImage image) {
    images.put(key(reference, platform), image);
  }

  private static String key(String reference, String platform) {
    return reference + "\n" + platform;
  }
}
