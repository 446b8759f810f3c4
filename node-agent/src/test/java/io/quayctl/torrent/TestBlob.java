package io.quayctl.torrent;

import io.quayctl.api.Digest;
import io.quayctl.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/** A random blob committed to a store, with its metainfo. */
record TestBlob(Digest digest, Path path, Metainfo metainfo, byte[] content) {

  static TestBlob create(BlobStore store, int size, long seed) throws IOException {
    byte[] content = new byte[size];
    new Random(seed).nextBytes(content);
    Digest digest = Digest.of(content);
    Path path = store.write(digest, new ByteArrayInputStream(content));
    return new TestBlob(digest, path, Metainfo.create(digest, path), content);
  }
}
