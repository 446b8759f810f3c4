package io.quayctl.store;

import io.quayctl.api.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * A {@link BlobStore} on a local directory: {@code blobs/sha256/<hex>} for verified blobs, {@code
 * partial/} for downloads in progress. A blob reaches {@code blobs/} only by an atomic rename after
 * its digest matched and its bytes were forced to disk.
 *
 * <p>A file's last use, for eviction, is its modification time: set when its bytes were written,
 * and moved forward by {@link #touch} and by every {@link #open}. Nothing else is kept, so there is
 * no index to lose or to get out of step with the files.
 */
public final class FileBlobStore implements EvictableStore {
  private final Path root;
  private final Path blobs;
  private final Path partial;
  private final Clock clock;
  private final ConcurrentHashMap<Digest, CompletableFuture<Path>> writes =
      new ConcurrentHashMap<>();

  private FileBlobStore(Path root, Clock clock) {
    this.root = root;
    this.blobs = root.resolve("blobs").resolve("sha256");
    this.partial = root.resolve("partial");
    this.clock = clock;
  }

  /** Opens (creating if needed) a store rooted at {@code root}. */
  public static FileBlobStore open(Path root) throws IOException {
    return open(root, Clock.systemUTC());
  }

  /** Opens (creating if needed) a store rooted at {@code root}; uses are timed by {@code clock}. */
  public static FileBlobStore open(Path root, Clock clock) throws IOException {
    FileBlobStore store = new FileBlobStore(root.toAbsolutePath(), clock);
    Files.createDirectories(store.blobs);
    Files.createDirectories(store.partial);
    return store;
  }

  @Override
  public Path root() {
    return root;
  }

  private Path blobPath(Digest digest) {
    return blobs.resolve(digest.hex());
  }

  @Override
  public boolean contains(Digest digest) {
    return Files.isRegularFile(blobPath(digest));
  }

  @Override
  public Optional<Path> find(Digest digest) {
    Path path = blobPath(digest);
    return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException("blob " + digest + " is not in the store at " + root);
    }
    try {
      touch(digest);
    } catch (IOException e) {
      // A read-only store still serves reads; it only loses the use for eviction's ordering.
    }
    return in;
  }

  @Override
  public long size(Digest digest) throws IOException {
    try {
      return Files.size(blobPath(digest));
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException("blob " + digest + " is not in the store at " + root);
    }
  }

  @Override
  public Path partialPath(Digest digest) {
    return partial.resolve(digest.hex());
  }

  @Override
  public Path commit(Digest digest, Path candidate) throws IOException {
    Digest actual;
    try (InputStream in = Files.newInputStream(candidate)) {
      actual = hash(in);
    }
    if (!actual.equals(digest)) {
      Files.deleteIfExists(candidate);
      throw new DigestMismatchException(digest, actual, null);
    }
    try (FileChannel ch = FileChannel.open(candidate, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    return moveIntoPlace(digest, candidate);
  }

  @Override
  public Path write(Digest digest, InputStream in) throws IOException {
    if (contains(digest)) {
      in.close();
      return blobPath(digest);
    }
    CompletableFuture<Path> mine = new CompletableFuture<>();
    CompletableFuture<Path> existing = writes.putIfAbsent(digest, mine);
    if (existing != null) {
      in.close();
      return await(existing);
    }
    try {
      Path result = doWrite(digest, in);
      mine.complete(result);
      return result;
    } catch (IOException | RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      writes.remove(digest, mine);
    }
  }

  private Path doWrite(Digest digest, InputStream in) throws IOException {
    Path tmp = Files.createTempFile(partial, digest.hex() + ".", ".tmp");
    try {
      MessageDigest sha = Digest.newSha256();
      try (InputStream src = new DigestInputStream(in, sha);
          OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
        src.transferTo(out);
      }
      Digest actual = Digest.fromSha256(sha.digest());
      if (!actual.equals(digest)) {
        throw new DigestMismatchException(digest, actual, null);
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      return moveIntoPlace(digest, tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private Path moveIntoPlace(Digest digest, Path verified) throws IOException {
    Path target = blobPath(digest);
    readableByAll(verified);
    try {
      Files.move(verified, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException(
          "cannot move " + verified + " into the blob store atomically: not on the same filesystem",
          e);
    }
    syncDirectory(blobs);
    return target;
  }

  /**
   * rw-r--r--, whatever wrote the file: temp files are created 0600, downloads with the umask's
   * mode; blobs are the same content for every reader.
   */
  private static void readableByAll(Path file) {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException | IOException ignored) {
      // Not a POSIX filesystem, or not ours to change: the mode stays as it was written.
    }
  }

  private static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // Directory fsync is best effort: some filesystems refuse to open directories.
    }
  }

  @Override
  public void delete(Digest digest) throws IOException {
    Files.deleteIfExists(blobPath(digest));
    Files.deleteIfExists(partialPath(digest));
  }

  @Override
  public List<StoredBlob> list() throws IOException {
    List<StoredBlob> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(blobs)) {
      for (Path p : dir) {
        digestOf(p.getFileName().toString(), false)
            .flatMap(d -> stat(d, StoredBlob.Kind.BLOB, p))
            .ifPresent(out::add);
      }
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(partial)) {
      for (Path p : dir) {
        digestOf(p.getFileName().toString(), true)
            .flatMap(d -> stat(d, StoredBlob.Kind.PARTIAL, p))
            .ifPresent(out::add);
      }
    }
    return out;
  }

  /**
   * The digest a file name stands for: {@code <hex>} in {@code blobs/}; in {@code partial/} also
   * {@code <hex>.<random>.tmp} of {@link #write}. Anything else is not the store's.
   */
  private static Optional<Digest> digestOf(String name, boolean partial) {
    String hex = name;
    if (partial && name.length() > 64 && name.charAt(64) == '.' && name.endsWith(".tmp")) {
      hex = name.substring(0, 64);
    }
    try {
      return Optional.of(Digest.parse("sha256:" + hex));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<StoredBlob> stat(Digest digest, StoredBlob.Kind kind, Path path) {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      if (!a.isRegularFile()) {
        return Optional.empty();
      }
      return Optional.of(
          new StoredBlob(digest, kind, a.size(), a.lastModifiedTime().toInstant(), path));
    } catch (IOException e) {
      // Committed, deleted or evicted since the directory was read.
      return Optional.empty();
    }
  }

  @Override
  public void touch(Digest digest) throws IOException {
    try {
      Files.setLastModifiedTime(blobPath(digest), FileTime.from(clock.instant()));
    } catch (NoSuchFileException e) {
      // Nothing to record for a blob that is not here.
    }
  }

  @Override
  public void delete(StoredBlob item) throws IOException {
    Path path = item.path().toAbsolutePath().normalize();
    Path dir = item.kind() == StoredBlob.Kind.BLOB ? blobs : partial;
    if (!dir.equals(path.getParent())
        || !digestOf(path.getFileName().toString(), item.kind() == StoredBlob.Kind.PARTIAL)
            .equals(Optional.of(item.digest()))) {
      throw new IllegalArgumentException(item.path() + " is not a " + item.kind() + " of " + root);
    }
    if (Files.deleteIfExists(path)) {
      syncDirectory(dir);
    }
  }

  /** Hashes a stream to its sha256 digest. */
  public static Digest hash(InputStream in) throws IOException {
    MessageDigest sha = Digest.newSha256();
    byte[] buf = new byte[1 << 16];
    int n;
    while ((n = in.read(buf)) > 0) {
      sha.update(buf, 0, n);
    }
    return Digest.fromSha256(sha.digest());
  }

  private static Path await(CompletableFuture<Path> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while waiting for a shared download");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IOException(e.getCause());
    }
  }
}
