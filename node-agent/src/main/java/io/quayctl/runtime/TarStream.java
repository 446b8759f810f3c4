package io.quayctl.runtime;

import io.quayctl.api.Digest;
import io.quayctl.registry.Descriptor;
import io.quayctl.store.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipEncodingHelper;

/**
 * A tar archive produced lazily as it is read: headers are generated on the fly and each blob is
 * opened only when the reader reaches it, so an archive of many gigabytes is never held in memory
 * or written to disk. Blobs are checked against their descriptor while they stream; a blob that is
 * missing, short, long or corrupt makes {@link #read} throw, so the consumer sees a broken stream
 * and never a well-formed archive with wrong content.
 */
public final class TarStream extends InputStream {
  private static final int BLOCK = 512;
  private static final FileTime EPOCH = FileTime.fromMillis(0);

  /** Opens an entry's content; called when the reader reaches the entry. */
  @FunctionalInterface
  public interface Opener {
    /** Opens the content stream. */
    InputStream open() throws IOException;
  }

  private record Entry(String name, long size, Opener opener, Descriptor verify) {}

  private final List<Entry> entries;
  private int next;
  private int part;
  private InputStream current;
  private boolean closed;

  private TarStream(List<Entry> entries) {
    this.entries = entries;
  }

  /** Starts an archive. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the entries of an archive, in order. */
  public static final class Builder {
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /** Adds a small file held in memory. */
    public Builder file(String name, byte[] content) {
      byte[] copy = content.clone();
      entries.add(new Entry(name, copy.length, () -> new ByteArrayInputStream(copy), null));
      return this;
    }

    /** Adds a small UTF-8 text file. */
    public Builder file(String name, String content) {
      return file(name, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Adds a blob from the store, opened when reached and verified against {@code blob}'s size and
     * digest as it streams.
     */
    public Builder blob(String name, Descriptor blob, BlobStore store) {
      Objects.requireNonNull(store, "store");
      entries.add(new Entry(name, blob.size(), () -> store.open(blob.digest()), blob));
      return this;
    }

    /** The archive as a stream; nothing is opened until it is read. */
    public TarStream build() {
      for (Entry e : entries) {
        if (e.name.getBytes(StandardCharsets.UTF_8).length > 100) {
          throw new IllegalArgumentException("tar entry name longer than 100 bytes: " + e.name);
        }
      }
      return new TarStream(List.copyOf(entries));
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("tar stream is closed");
    }
    if (len == 0) {
      return 0;
    }
    try {
      return readParts(buf, off, len);
    } catch (SourceException e) {
      throw e;
    } catch (IOException e) {
      throw new SourceException(e);
    }
  }

  private int readParts(byte[] buf, int off, int len) throws IOException {
    while (true) {
      if (current == null) {
        current = nextPart();
        if (current == null) {
          return -1;
        }
      }
      int n = current.read(buf, off, len);
      if (n >= 0) {
        return n;
      }
      current.close();
      current = null;
    }
  }

  /** The next piece of the archive: a header, an entry's data, padding, or the end marker. */
  private InputStream nextPart() throws IOException {
    if (next > entries.size()) {
      return null;
    }
    if (next == entries.size()) {
      next++;
      return new ByteArrayInputStream(new byte[2 * BLOCK]);
    }
    Entry entry = entries.get(next);
    switch (part) {
      case 0 -> {
        part = 1;
        return new ByteArrayInputStream(header(entry));
      }
      case 1 -> {
        part = 2;
        InputStream in = entry.opener.open();
        return entry.verify == null
            ? new SizedInputStream(in, entry.size, entry.name, null)
            : new SizedInputStream(in, entry.size, entry.name, entry.verify.digest());
      }
      default -> {
        part = 0;
        next++;
        int pad = (int) ((BLOCK - entry.size % BLOCK) % BLOCK);
        return new ByteArrayInputStream(new byte[pad]);
      }
    }
  }

  private static byte[] header(Entry entry) throws IOException {
    TarArchiveEntry tar = new TarArchiveEntry(entry.name);
    tar.setSize(entry.size);
    tar.setMode(0644);
    tar.setLastModifiedTime(EPOCH);
    byte[] block = new byte[BLOCK];
    // Star mode writes sizes of 8 GiB and more in base-256, which Go's archive/tar reads.
    tar.writeEntryHeader(block, ZipEncodingHelper.getZipEncoding(StandardCharsets.UTF_8), true);
    return block;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    if (current != null) {
      current.close();
      current = null;
    }
  }

  /**
   * Reading an entry's content failed (a blob missing, unreadable, truncated or corrupt): the
   * archive is broken, the daemon consuming it is not at fault.
   */
  public static final class SourceException extends IOException {
    private static final long serialVersionUID = 1L;

    SourceException(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Passes exactly {@code size} bytes through, failing on a short or long source or bad digest. */
  private static final class SizedInputStream extends InputStream {
    private final InputStream in;
    private final long size;
    private final String name;
    private final Digest expected;
    private final MessageDigest sha;
    private long seen;
    private boolean done;

    SizedInputStream(InputStream in, long size, String name, Digest expected) {
      this.in = in;
      this.size = size;
      this.name = name;
      this.expected = expected;
      this.sha = expected == null ? null : Digest.newSha256();
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      long remaining = size - seen;
      if (remaining == 0) {
        // One more read proves the source has no extra bytes.
        if (in.read() >= 0) {
          throw new IOException(what() + " is longer than the " + size + " bytes expected");
        }
        finish();
        return -1;
      }
      int n = in.read(buf, off, (int) Math.min(len, remaining));
      if (n < 0) {
        throw new IOException(
            what() + " ended after " + seen + " of " + size + " bytes (truncated)");
      }
      if (sha != null) {
        sha.update(buf, off, n);
      }
      seen += n;
      return n;
    }

    private String what() {
      return expected == null ? "content of " + name : "blob " + expected + " in the store";
    }

    private void finish() throws IOException {
      done = true;
      if (sha != null) {
        Digest actual = Digest.fromSha256(sha.digest());
        if (!actual.equals(expected)) {
          throw new IOException(
              "blob " + expected + " in the store is corrupt: its content hashes to " + actual);
        }
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
