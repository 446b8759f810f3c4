package io.quayctl.runtime;

import io.quayctl.registry.ResolvedImage;
import io.quayctl.store.BlobStore;
import java.io.IOException;

/** A local container runtime (Docker engine, containerd) that images are imported into. */
public interface ContainerRuntime extends AutoCloseable {

  /** A short name for messages: {@code docker}, {@code containerd}. */
  String name();

  /** Checks that the daemon answers; throws {@link RuntimeUnavailableException} naming it. */
  void ping() throws RuntimeUnavailableException;

  /** Whether the image (same config digest) is already present under the image's name. */
  boolean isPresent(ResolvedImage image) throws IOException;

  /**
   * Imports the image from verified blobs in the store and names it as the user asked. Either the
   * whole image is imported or nothing is.
   */
  ImportResult importImage(ResolvedImage image, BlobStore store) throws IOException;

  @Override
  void close() throws IOException;
}
