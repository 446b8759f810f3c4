package io.quayctl.cli;

import io.quayctl.distribution.BlobProgress;
import io.quayctl.distribution.HumanBytes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Shows transfer progress: one redrawn bar per blob on a terminal; otherwise (a log, a pipe) a line
 * per blob that is moving every {@code logInterval} and one when it completes, nothing for blobs
 * that wait, so that logs stay short and every line says something.
 */
public final class ProgressDisplay {
  private static final int BAR_WIDTH = 24;

  /** How far back the rate of a direct registry download is measured. */
  private static final Duration RATE_WINDOW = Duration.ofSeconds(2);

  private final PrintStream out;
  private final boolean tty;
  private final Clock clock;
  private final Duration logInterval;
  private final Map<String, Instant> lastLogged = new HashMap<>();
  private final Set<String> reportedComplete = new HashSet<>();
  private final Map<String, Deque<Sample>> registrySamples = new HashMap<>();
  private int linesDrawn;

  public ProgressDisplay(PrintStream out, boolean tty, Clock clock, Duration logInterval) {
    this.out = out;
    this.tty = tty;
    this.clock = clock;
    this.logInterval = logInterval;
  }

  private record Sample(Instant at, long bytes) {}

  /** Renders the current state of every blob. */
  public synchronized void update(List<BlobProgress> snapshot) {
    Instant now = clock.instant();
    List<BlobProgress> blobs = new ArrayList<>(snapshot.size());
    for (BlobProgress b : snapshot) {
      blobs.add(withRegistryRate(b, now));
    }
    if (tty) {
      if (linesDrawn > 0) {
        out.print("\033[" + linesDrawn + "A");
      }
      for (BlobProgress b : blobs) {
        out.print("\r\033[2K" + bar(b) + "\n");
      }
      linesDrawn = blobs.size();
      out.flush();
      return;
    }
    for (BlobProgress b : blobs) {
      if (b.complete()) {
        if (reportedComplete.add(b.label())) {
          out.println(completeLine(b));
        }
        continue;
      }
      if (b.done() == 0 && b.downloadRate() == 0) {
        continue;
      }
      Instant last = lastLogged.get(b.label());
      if (last == null) {
        // First sign of life: report at the next interval, not at once.
        lastLogged.put(b.label(), now);
      } else if (!now.isBefore(last.plus(logInterval))) {
        lastLogged.put(b.label(), now);
        out.println(line(b));
      }
    }
    out.flush();
  }

  /**
   * The blob with a download rate measured from its registry byte counts when the torrent engine
   * reports none: direct registry downloads do not go through the engine.
   */
  private BlobProgress withRegistryRate(BlobProgress b, Instant now) {
    if (b.downloadRate() > 0 || b.fromRegistry() == 0 || b.complete()) {
      registrySamples.remove(b.label());
      return b;
    }
    Deque<Sample> samples = registrySamples.computeIfAbsent(b.label(), k -> new ArrayDeque<>());
    samples.addLast(new Sample(now, b.fromRegistry()));
    while (samples.size() > 2 && !samples.getFirst().at().isAfter(now.minus(RATE_WINDOW))) {
      samples.removeFirst();
    }
    Sample first = samples.getFirst();
    long millis = Duration.between(first.at(), now).toMillis();
    if (millis <= 0) {
      return b;
    }
    long rate = (b.fromRegistry() - first.bytes()) * 1000 / millis;
    return new BlobProgress(
        b.label(),
        b.state(),
        b.done(),
        b.total(),
        rate,
        b.uploadRate(),
        b.peers(),
        b.fromPeers(),
        b.fromRegistry());
  }

  /** Treats these blobs as reported complete already (a seeder's blobs after its download). */
  public synchronized void alreadyReported(List<BlobProgress> blobs) {
    for (BlobProgress b : blobs) {
      if (b.complete()) {
        reportedComplete.add(b.label());
      }
    }
  }

  /** Forgets drawn lines so that later output starts below the bars. */
  public synchronized void finish() {
    linesDrawn = 0;
  }

  static String bar(BlobProgress b) {
    double fraction = b.total() <= 0 ? 0 : Math.min(1.0, (double) b.done() / b.total());
    int filled = (int) Math.round(fraction * BAR_WIDTH);
    return String.format(
        Locale.ROOT,
        "%s %-11s [%s%s] %5.1f%% %9s/%-9s ↓%9s/s ↑%9s/s peers %d%s",
        b.label(),
        b.state(),
        "=".repeat(filled),
        " ".repeat(BAR_WIDTH - filled),
        fraction * 100,
        bytes(b.done()),
        bytes(b.total()),
        bytes(b.downloadRate()),
        bytes(b.uploadRate()),
        b.peers(),
        source(b));
  }

  static String line(BlobProgress b) {
    double fraction = b.total() <= 0 ? 0 : Math.min(1.0, (double) b.done() / b.total());
    return String.format(
        Locale.ROOT,
        "%s: %s %.1f%% (%s of %s) down %s/s up %s/s, %s%s",
        b.label(),
        b.state(),
        fraction * 100,
        bytes(b.done()),
        bytes(b.total()),
        bytes(b.downloadRate()),
        bytes(b.uploadRate()),
        count(b.peers(), "peer"),
        source(b));
  }

  static String completeLine(BlobProgress b) {
    String from =
        b.fromPeers() == 0 && b.fromRegistry() == 0
            ? " (already here)"
            : " (from peers "
                + bytes(b.fromPeers())
                + ", registry "
                + bytes(b.fromRegistry())
                + ")";
    return b.label() + ": complete, " + bytes(b.total()) + from;
  }

  private static String source(BlobProgress b) {
    if (b.fromPeers() == 0 && b.fromRegistry() == 0) {
      return "";
    }
    return " (peers " + bytes(b.fromPeers()) + ", registry " + bytes(b.fromRegistry()) + ")";
  }

  /** A count and its noun, plural unless one: {@code 1 layer}, {@code 3 layers}. */
  public static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** Formats a byte count with a binary unit: {@code 1.5 MiB}. */
  public static String bytes(long n) {
    return HumanBytes.format(n);
  }
}
