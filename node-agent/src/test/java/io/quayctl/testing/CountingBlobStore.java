package io.quayctl.testing;

import io.quayctl.api.Digest;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link BlobStore} that records which blobs were opened, to prove what a runtime read. */
public final class CountingBlobStore implements BlobStore {
  private final BlobStore delegate;
  private final List<Digest> opened = new CopyOnWriteArrayList<>();

  public CountingBlobStore(BlobStore delegate) {
    this.delegate = delegate;
  }

  /** The digests opened so far, in order. */
  public List<Digest> opened() {
    return List.copyOf(opened);
  }

  @Override
  public boolean contains(Digest digest) {
    return delegate.contains(digest);
  }

  @Override
  public Optional<Path> find(Digest digest) {
    return delegate.find(digest);
  }

  @Override
  public InputStream open(Digest digest) throws IOException {
    opened.add(digest);
    return delegate.open(digest);
  }

  @Override
  public long size(Digest digest) throws IOException {
    return delegate.size(digest);
  }

  @Override
  public Path partialPath(Digest digest) {
    return delegate.partialPath(digest);
  }

  @Override
  public Path commit(Digest digest, Path candidate) throws IOException {
    return delegate.commit(digest, candidate);
  }

  @Override
  public Path write(Digest digest, InputStream in) throws IOException {
    return delegate.write(digest, in);
  }

  @Override
  public void delete(Digest digest) throws IOException {
    delegate.delete(digest);
  }

  @Override
  public Path root() {
    return delegate.root();
  }
}
