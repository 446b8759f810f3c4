package io.quayctl.torrent;

import io.quayctl.api.Digest;
import java.nio.file.Path;

/**
 * Prints the infohash of a blob's metainfo; run in a child JVM by {@link
 * InfoHashAcrossProcessesIT}.
 */
public final class PrintInfoHash {
  private PrintInfoHash() {}

  public static void main(String[] args) throws Exception {
    Metainfo m = Metainfo.create(Digest.parse(args[0]), Path.of(args[1]));
    System.out.println(m.infoHash().hex() + " " + Digest.of(m.bytes()));
  }
}
