package io.quayctl.e2e.bench;

import io.quayctl.e2e.Launcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Single-core hashing throughput (SHA-256: the blob digest; SHA-1: BitTorrent v1 pieces) of a JVM,
 * measured in this process and in one started with the agents' JVM flags, so that the agents' CPU
 * time can be set against what verifying the bytes alone costs.
 */
public final class HashRate {
  private static final int MIB = 1 << 20;

  private HashRate() {}

  /** Prints {@code SHA-256=<MB/s> SHA-1=<MB/s>}. */
  public static void main(String[] args) throws NoSuchAlgorithmException {
    System.out.println("SHA-256=" + rate("SHA-256", 256) + " SHA-1=" + rate("SHA-1", 256));
  }

  /** MB/s hashing {@code mib} MiB of random bytes after a warm-up of a quarter of that. */
  static long rate(String algorithm, int mib) throws NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance(algorithm);
    byte[] buf = new byte[MIB];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < buf.length; i++) {
      buf[i] = (byte) random.nextInt();
    }
    for (int i = 0; i < mib / 4; i++) {
      md.update(buf);
    }
    long t = System.nanoTime();
    for (int i = 0; i < mib; i++) {
      md.update(buf);
    }
    md.digest();
    return Math.round(mib * (MIB / 1e6) / ((System.nanoTime() - t) / 1e9));
  }

  /**
   * This JVM's rates, a JVM's with the harness's default flags (C1 only) and one's with the
   * harness's defaults plus {@code agentFlags}, MB/s by name.
   */
  static Map<String, Object> measure(String agentFlags) {
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      out.put("benchJvm SHA-256 MB/s", rate("SHA-256", 256));
      out.put("benchJvm SHA-1 MB/s", rate("SHA-1", 256));
    } catch (NoSuchAlgorithmException e) {
      out.put("benchJvm", e.toString());
    }
    measureIn(out, "harnessDefaultJvm", List.of());
    measureIn(out, "agentJvm", List.of(agentFlags.trim().split("\\s+")));
    return out;
  }

  private static void measureIn(Map<String, Object> out, String label, List<String> flags) {
    try {
      Launcher launcher = Launcher.fromEnvironment();
      List<String> jvm = flags.stream().filter(f -> !f.isEmpty()).toList();
      Process p =
          new ProcessBuilder(launcher.java(jvm, HashRate.class.getName(), List.of()))
              .redirectErrorStream(true)
              .start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor(120, TimeUnit.SECONDS);
      for (String part : text.split("\\s+")) {
        String[] kv = part.split("=", 2);
        if (kv.length == 2) {
          out.put(label + " " + kv[0] + " MB/s", Long.parseLong(kv[1]));
        }
      }
    } catch (IOException | RuntimeException e) {
      out.put(label, "not measured: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
