package io.quayctl.e2e;

import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Renders an ImagePull's progress as the nodes' agents report it in their NodeImage statuses: one
 * row per node, redrawn in place on a terminal, printed every few seconds otherwise.
 */
public final class ProgressView {
  private final PrintStream out;
  private final boolean terminal;
  private final Instant start;
  private final Map<String, Duration> timeToImage = new LinkedHashMap<>();
  private int drawnLines;
  private Instant lastPrint = Instant.EPOCH;
  private String lastFrame = "";

  /** A view writing to {@code out}; {@code terminal} redraws in place with ANSI escapes. */
  public ProgressView(PrintStream out, boolean terminal, Instant start) {
    this.out = out;
    this.terminal = terminal;
    this.start = start;
  }

  /** One node's row. */
  public record Row(String node, String role, Optional<NodeImageEntryStatus> status) {}

  /** Records the state at {@code now} and shows it. */
  public void update(ImagePull pull, List<Row> rows, Instant now) {
    for (Row row : rows) {
      row.status()
          .filter(s -> s.getPhase() != null && s.getPhase().hasImage())
          .ifPresent(s -> timeToImage.putIfAbsent(row.node(), Duration.between(start, now)));
    }
    String frame = frame(pull, rows, Duration.between(start, now));
    if (terminal) {
      StringBuilder redraw = new StringBuilder();
      for (int i = 0; i < drawnLines; i++) {
        redraw.append("\033[1A\033[2K");
      }
      out.print(redraw);
      out.print(frame);
      drawnLines = (int) frame.lines().count();
    } else if (!frame.equals(lastFrame)
        && Duration.between(lastPrint, now).compareTo(Duration.ofSeconds(3)) >= 0) {
      out.print(frame);
      out.println();
      lastPrint = now;
    }
    lastFrame = frame;
    out.flush();
  }

  /** When each node first reported the image (Seeding or Complete), from the start. */
  public Map<String, Duration> timeToImage() {
    return Map.copyOf(timeToImage);
  }

  /** The table for one moment. */
  static String frame(ImagePull pull, List<Row> rows, Duration elapsed) {
    ImagePullStatus status = pull == null ? null : pull.getStatus();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "ImagePull %s  phase %s  ready %s  %5.1f s%n",
            pull == null ? "?" : pull.key(),
            status == null || status.getPhase() == null ? "-" : status.getPhase(),
            status == null || status.getReady() == null ? "-" : status.getReady(),
            elapsed.toMillis() / 1000.0));
    s.append(
        String.format(
            Locale.ROOT,
            "  %-10s %-8s %-10s %-22s %12s %14s%n",
            "NODE",
            "ROLE",
            "PHASE",
            "PROGRESS",
            "FROM PEERS",
            "FROM REGISTRY"));
    for (Row row : rows) {
      NodeImageEntryStatus e = row.status().orElse(null);
      String phase = e == null || e.getPhase() == null ? "-" : e.getPhase().name();
      String progress =
          e == null ? "" : bar(orZero(e.getBytesDone()), orZero(e.getBytesTotal()), e.getPhase());
      s.append(
          String.format(
              Locale.ROOT,
              "  %-10s %-8s %-10s %-22s %12s %14s%n",
              row.node(),
              row.role(),
              phase,
              progress,
              e == null ? "" : bytes(orZero(e.getBytesFromPeers())),
              e == null ? "" : bytes(orZero(e.getBytesFromRegistry()))));
      if (e != null && e.getPhase() == NodeImagePhase.Failed) {
        s.append("             ")
            .append(e.getReason())
            .append(": ")
            .append(e.getMessage())
            .append(System.lineSeparator());
      }
    }
    return s.toString();
  }

  private static String bar(long done, long total, NodeImagePhase phase) {
    if (total <= 0) {
      return phase != null && phase.hasImage() ? "[##########] done" : "";
    }
    int filled = (int) Math.min(10, done * 10 / total);
    return "["
        + "#".repeat(filled)
        + ".".repeat(10 - filled)
        + "] "
        + String.format(Locale.ROOT, "%3d%%", Math.min(100, done * 100 / total));
  }

  private static long orZero(Long v) {
    return v == null ? 0 : v;
  }

  /** {@code 12.3 MiB}-style sizes. */
  public static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Rows for every node of {@code cluster}. */
  public static List<Row> rows(Cluster cluster, String key) {
    List<Row> rows = new ArrayList<>();
    Map<String, Optional<NodeImageEntryStatus>> statuses = cluster.nodeStatuses(key);
    for (NodeHost node : cluster.nodes()) {
      rows.add(
          new Row(
              node.name(),
              node.isBastion() ? "bastion" : "worker",
              statuses.getOrDefault(node.name(), Optional.empty())));
    }
    return rows;
  }
}
