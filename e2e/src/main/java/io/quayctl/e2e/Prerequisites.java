package io.quayctl.e2e;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the cluster needs from the machine: root (network namespaces), iproute2 and util-linux, and
 * the Debian packages that provide the registry and containerd. Says exactly what is missing.
 */
public final class Prerequisites {
  /** Command, and the Debian package that provides it. */
  private static final Map<String, String> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("ip", "iproute2");
    COMMANDS.put("tc", "iproute2");
    COMMANDS.put("nsenter", "util-linux");
    COMMANDS.put("bash", "bash");
    COMMANDS.put("containerd", "containerd");
    COMMANDS.put("ctr", "containerd");
    COMMANDS.put("docker-registry", "docker-registry");
    COMMANDS.put("htpasswd", "apache2-utils");
    COMMANDS.put("openssl", "openssl");
  }

  private Prerequisites() {}

  /** What is missing, one line each; empty when everything is there. */
  public static List<String> missing() {
    List<String> missing = new ArrayList<>();
    if (!"root".equals(System.getProperty("user.name"))) {
      missing.add("root: the cluster creates network namespaces (run as root, or with sudo)");
    }
    for (Map.Entry<String, String> c : COMMANDS.entrySet()) {
      if (find(c.getKey()) == null) {
        missing.add(c.getKey() + ": apt-get install " + c.getValue());
      }
    }
    return missing;
  }

  /** Throws with the list of what is missing and how to get it. */
  public static void check() {
    List<String> missing = missing();
    if (!missing.isEmpty()) {
      throw new IllegalStateException(
          "cannot build the cluster; missing:\n  "
              + String.join("\n  ", missing)
              + "\n(scripts/install-deps installs the packages)");
    }
  }

  private static Path find(String binary) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : (path + ":/usr/sbin:/sbin:/usr/bin:/bin").split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return Path.of(dir, binary);
      }
    }
    return null;
  }
}
