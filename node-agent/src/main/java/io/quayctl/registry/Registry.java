package io.quayctl.registry;

import io.quayctl.api.Digest;
import io.quayctl.api.ImageReference;
import io.quayctl.store.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** Read access to an OCI distribution registry (one adapter: {@code RegistryClient}). */
public interface Registry {

  /**
   * Resolves a reference to the manifest for {@code platform}, choosing from an index when the
   * registry returns one, and verifying the bytes when the reference pins a digest.
   */
  ResolvedImage resolve(ImageReference reference, Platform platform) throws IOException;

  /**
   * Opens a byte range of a blob ({@code length < 0}: to the end). The stream is not verified:
   * callers that need the whole blob use {@link #fetch}.
   */
  InputStream openBlob(ImageReference repository, Digest digest, long offset, long length)
      throws IOException;

  /**
   * Makes sure the blob is in the store, downloading it if needed (streamed, verified, resumed
   * after interruption). Returns the verified blob's path.
   */
  Path fetch(ImageReference repository, Descriptor blob, BlobStore store, TransferListener listener)
      throws IOException;

  /** Receives progress of a transfer; called from the transferring thread. */
  @FunctionalInterface
  interface TransferListener {
    /** {@code bytes} more bytes of {@code digest} arrived. */
    void transferred(Digest digest, long bytes);

    /** A listener that ignores progress. */
    TransferListener NONE = (d, b) -> {};
  }
}
