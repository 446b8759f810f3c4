package io.quayctl.distribution;

import io.quayctl.store.FileBlobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The on-disk layout shared by the CLI and the agent, so either picks up what the other left: the
 * blob store (with its partial downloads) and the torrent engine's fast-resume data.
 *
 * @param root the data directory
 */
public record DataDir(Path root) {

  /** Creates the directory if needed and opens the blob store in it. */
  public FileBlobStore openStore() throws IOException {
    Files.createDirectories(root);
    return FileBlobStore.open(root.resolve("store"));
  }

  /** Where the torrent engine keeps fast-resume data of unfinished downloads. */
  public Path resumeDir() {
    return root.resolve("resume");
  }
}
