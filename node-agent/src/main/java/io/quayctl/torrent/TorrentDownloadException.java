package io.quayctl.torrent;

import java.io.IOException;

/** A download could not finish: timeout, no usable source, or a storage error. */
public final class TorrentDownloadException extends IOException {
  private static final long serialVersionUID = 1L;

  public TorrentDownloadException(String message) {
    super(message);
  }
}
