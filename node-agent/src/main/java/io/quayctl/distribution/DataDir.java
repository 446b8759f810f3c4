package io.quayctl.distribution;

import io.quayctl.store.FileBlobStore;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
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

  /** Why the file system refused a data directory, in words. */
  public static String reason(FileSystemException e) {
    String where = e.getFile() == null ? "" : " (" + e.getFile() + ")";
    if (e instanceof AccessDeniedException) {
      return "permission denied" + where;
    }
    if (e instanceof FileAlreadyExistsException || e instanceof NotDirectoryException) {
      return "a file that is not a directory is in the way" + where;
    }
    if (e instanceof NoSuchFileException) {
      return "it cannot be created there" + where;
    }
    return (e.getReason() == null ? "cannot be used" : e.getReason()) + where;
  }

  /** Where the torrent engine keeps fast-resume data of unfinished downloads. */
  public Path resumeDir() {
    return root.resolve("resume");
  }
}
