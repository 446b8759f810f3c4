package io.quayctl.api;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A normalised image reference, as the Docker CLI understands one: {@code bash} is {@code
 * docker.io/library/bash:latest}; the first path component names a registry host only if it
 * contains {@code .} or {@code :}, or is {@code localhost}. The operator checks {@code
 * ImagePull.spec.image} with it and the agents pull by it, so both accept the same references.
 */
public final class ImageReference {
  public static final String DOCKER_HUB = "docker.io";
  private static final String DOCKER_HUB_API = "registry-1.docker.io";

  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern HOST =
      Pattern.compile(
          "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
              + "|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]{1,5})?");

  private final String registry;
  private final String repository;
  private final String tag;
  private final Digest digest;

  private ImageReference(String registry, String repository, String tag, Digest digest) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }

  /**
   * Parses and normalises a reference, or throws an {@link IllegalArgumentException} naming the
   * problem.
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("image reference is empty");
    }
    if (!text.equals(text.strip())) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + text + "\": contains leading or trailing whitespace");
    }
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      try {
        digest = Digest.parse(rest.substring(at + 1));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid image reference \"" + text + "\": " + e.getMessage(), e);
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int lastSlash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    if (colon > lastSlash) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (!TAG.matcher(tag).matches()) {
        throw new IllegalArgumentException(
            "invalid image reference \""
                + text
                + "\": tag \""
                + tag
                + "\" must be 1-128 of [A-Za-z0-9_.-], not starting with . or -");
      }
    }
    if (rest.isEmpty()) {
      throw new IllegalArgumentException("invalid image reference \"" + text + "\": no repository");
    }
    String registry;
    String repository;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? null : rest.substring(0, slash);
    if (first != null
        && (first.contains(".") || first.contains(":") || first.equals("localhost"))) {
      registry = first;
      repository = rest.substring(slash + 1);
      if (!HOST.matcher(registry).matches()) {
        throw new IllegalArgumentException(
            "invalid image reference \"" + text + "\": bad registry host \"" + registry + "\"");
      }
    } else {
      registry = DOCKER_HUB;
      repository = rest;
    }
    if (registry.equals("index.docker.io") || registry.equals(DOCKER_HUB_API)) {
      registry = DOCKER_HUB;
    }
    if (registry.equals(DOCKER_HUB) && !repository.contains("/")) {
      repository = "library/" + repository;
    }
    if (repository.length() > 255) {
      throw new IllegalArgumentException(
          "invalid image reference \"" + text + "\": repository name longer than 255 characters");
    }
    for (String component : repository.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        String why =
            component.isEmpty()
                ? "an empty path component"
                : !component.equals(component.toLowerCase(java.util.Locale.ROOT))
                    ? "uppercase letters in \"" + component + "\" (repository names are lowercase)"
                    : "invalid path component \""
                        + component
                        + "\" (lowercase letters and digits separated by . _ __ or -)";
        throw new IllegalArgumentException(
            "invalid image reference \"" + text + "\": repository has " + why);
      }
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  /** The registry as users name it: {@code docker.io}, {@code localhost:5000}. */
  public String registry() {
    return registry;
  }

  /** The host:port to send API requests to ({@code registry-1.docker.io} for Docker Hub). */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
  }

  /** The repository path, {@code library/bash} for {@code bash}. */
  public String repository() {
    return repository;
  }

  /** The tag, if any; {@code latest} when neither tag nor digest was given. */
  public Optional<String> tag() {
    return Optional.ofNullable(tag);
  }

  /** The digest, if the reference pins one. */
  public Optional<Digest> digest() {
    return Optional.ofNullable(digest);
  }

  /** What to ask the registry's manifest endpoint for: the digest when pinned, else the tag. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** {@code registry/repository}, without tag or digest. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The same repository pinned to a digest (tag kept). */
  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(registry, repository, tag, newDigest);
  }

  /** The fully normalised form, e.g. {@code docker.io/library/bash:latest}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name());
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (digest != null) {
      sb.append('@').append(digest);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageReference other && other.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
