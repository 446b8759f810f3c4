package io.quayctl.registry;

import java.util.Locale;
import java.util.Objects;

/** An OCI platform: operating system, architecture and optional variant. */
public record Platform(String os, String architecture, String variant) {

  public Platform {
    Objects.requireNonNull(os, "os");
    Objects.requireNonNull(architecture, "architecture");
    variant = variant == null || variant.isEmpty() ? null : variant;
  }

  /** Parses {@code os/arch[/variant]}, for example {@code linux/arm64/v8}. */
  public static Platform parse(String text) {
    String[] parts = text.split("/", -1);
    if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException(
          "invalid platform \"" + text + "\": expected os/architecture[/variant]");
    }
    return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
  }

  /** The platform of the machine this JVM runs on, in OCI names. */
  public static Platform current() {
    String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "amd64", "x86_64" -> new Platform("linux", "amd64", null);
      case "aarch64", "arm64" -> new Platform("linux", "arm64", null);
      case "arm" -> new Platform("linux", "arm", "v7");
      case "ppc64le" -> new Platform("linux", "ppc64le", null);
      case "s390x" -> new Platform("linux", "s390x", null);
      default -> new Platform("linux", arch, null);
    };
  }

  /**
   * Whether an index entry for {@code candidate} can run here. A missing variant on either side
   * matches, except that arm64's implicit variant is v8.
   */
  public boolean matches(Platform candidate) {
    if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) {
      return false;
    }
    if (variant == null || candidate.variant == null) {
      return true;
    }
    return variant.equals(candidate.variant);
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
