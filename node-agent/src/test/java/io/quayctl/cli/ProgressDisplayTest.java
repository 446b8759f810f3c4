package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.distribution.BlobProgress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  private static final long MIB = 1024 * 1024;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  private ProgressDisplay display() {
    return display(false);
  }

  private ProgressDisplay display(boolean tty) {
    Clock clock =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now;
          }
        };
    return new ProgressDisplay(out, tty, clock, Duration.ofSeconds(10));
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutATerminalWaitingBlobsAreQuietMovingOnesLogEveryIntervalAndCompletionOnce() {
    ProgressDisplay d = display();
    BlobProgress waiting = new BlobProgress("aaaa", "pending", 0, 4 * MIB, 0, 0, 0, 0, 0);
    BlobProgress moving = new BlobProgress("bbbb", "downloading", MIB, 4 * MIB, MIB, 0, 2, MIB, 0);
    d.update(List.of(waiting, moving));
    assertThat(output()).isEmpty();

    now = now.plusSeconds(5);
    d.update(List.of(waiting, moving));
    assertThat(output()).isEmpty();

    now = now.plusSeconds(5);
    d.update(List.of(waiting, moving));
    assertThat(output().lines())
        .containsExactly(
            "bbbb: downloading 25.0% (1.0 MiB of 4.0 MiB) down 1.0 MiB/s up 0 B/s, 2 peers"
                + " (peers 1.0 MiB, registry 0 B)");

    BlobProgress done = new BlobProgress("bbbb", "seeding", 4 * MIB, 4 * MIB, 0, 0, 1, 4 * MIB, 0);
    d.update(List.of(waiting, done));
    d.update(List.of(waiting, done));
    assertThat(output().lines())
        .hasSize(2)
        .last()
        .isEqualTo("bbbb: complete, 4.0 MiB (from peers 4.0 MiB, registry 0 B)");
  }

  @Test
  void blobsReportedBeforeSeedingAreNotRepeated() {
    ProgressDisplay d = display();
    BlobProgress done = new BlobProgress("cccc", "seeding", MIB, MIB, 0, 0, 0, 0, MIB);
    d.alreadyReported(List.of(done));
    d.update(List.of(done));
    assertThat(output()).isEmpty();
  }

  @Test
  void aDirectRegistryDownloadShowsTheRateOfItsByteCounts() {
    ProgressDisplay d = display(true);
    d.update(List.of(fromRegistry(2 * MIB)));
    now = now.plusMillis(250);
    d.update(List.of(fromRegistry(2 * MIB + MIB / 4)));
    now = now.plusMillis(250);
    d.update(List.of(fromRegistry(2 * MIB + MIB / 2)));

    String last = output().substring(output().lastIndexOf("dddd"));
    assertThat(last).contains("↓  1.0 MiB/s");
  }

  @Test
  void aStalledRegistryDownloadShowsNoRateOnceTheWindowHasPassed() {
    ProgressDisplay d = display();
    d.update(List.of(fromRegistry(MIB)));
    now = now.plusSeconds(5);
    d.update(List.of(fromRegistry(6 * MIB)));
    now = now.plusSeconds(5);
    d.update(List.of(fromRegistry(11 * MIB)));
    now = now.plusSeconds(10);
    d.update(List.of(fromRegistry(11 * MIB)));

    assertThat(output().lines())
        .containsExactly(
            "dddd: downloading 55.0% (11.0 MiB of 20.0 MiB) down 1.0 MiB/s up 0 B/s, 0 peers"
                + " (peers 0 B, registry 11.0 MiB)",
            "dddd: downloading 55.0% (11.0 MiB of 20.0 MiB) down 0 B/s up 0 B/s, 0 peers"
                + " (peers 0 B, registry 11.0 MiB)");
  }

  private static BlobProgress fromRegistry(long bytes) {
    return new BlobProgress("dddd", "downloading", bytes, 20 * MIB, 0, 0, 0, 0, bytes);
  }

  @Test
  void countsArePluralUnlessOne() {
    assertThat(ProgressDisplay.count(1, "layer")).isEqualTo("1 layer");
    assertThat(ProgressDisplay.count(0, "layer")).isEqualTo("0 layers");
    assertThat(ProgressDisplay.count(3, "blob")).isEqualTo("3 blobs");
  }

  @Test
  void oneConnectedPeerIsSingular() {
    BlobProgress b = new BlobProgress("cccc", "downloading", MIB, 2 * MIB, MIB, 0, 1, MIB, 0);
    assertThat(ProgressDisplay.line(b)).contains(", 1 peer (peers 1.0 MiB");
  }
}
