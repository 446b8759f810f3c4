package io.quayctl.testing;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.registry.Descriptor;
import io.quayctl.registry.Platform;
import io.quayctl.registry.Registry;
import io.quayctl.registry.ResolvedImage;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Registry} whose blobs are local files: enough to back a web seed in tests. Only {@link
 * #openBlob} works.
 */
public final class FileBackedRegistry implements Registry {
  private final Map<Digest, Path> blobs = new ConcurrentHashMap<>();
  private final AtomicLong rangedReads = new AtomicLong();

  /** Serves {@code file} as blob {@code digest} of any repository. */
  public FileBackedRegistry add(Digest digest, Path file) {
    blobs.put(digest, file);
    return this;
  }

  /** How many ranged reads were made. */
  public long rangedReads() {
    return rangedReads.get();
  }

  @Override
  public InputStream openBlob(ImageReference repository, Digest digest, long offset, long length)
      throws IOException {
    Path file = blobs.get(digest);
    if (file == null) {
      throw new NoSuchFileException("blob " + digest + " is not in " + repository.name());
    }
    rangedReads.incrementAndGet();
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    ch.position(offset);
    InputStream in = Channels.newInputStream(ch);
    if (length < 0) {
      return in;
    }
    return new InputStream() {
      private long left = length;

      @Override
      public int read() throws IOException {
        if (left <= 0) {
          return -1;
        }
        int b = in.read();
        if (b >= 0) {
          left--;
        }
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) throws IOException {
        if (left <= 0) {
          return -1;
        }
        int n = in.read(buf, off, (int) Math.min(len, left));
        if (n > 0) {
          left -= n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }

  @Override
  public ResolvedImage resolve(ImageReference reference, Platform platform) {
    throw new UnsupportedOperationException("FileBackedRegistry serves blobs only");
  }

  @Override
  public Path fetch(
      ImageReference repository, Descriptor blob, BlobStore store, TransferListener listener) {
    throw new UnsupportedOperationException("FileBackedRegistry serves blobs only");
  }
}
