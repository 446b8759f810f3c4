package io.quayctl.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.v1alpha1.ImagePull;
import io.quayctl.api.v1alpha1.ImagePullPhase;
import io.quayctl.api.v1alpha1.ImagePullStatus;
import io.quayctl.api.v1alpha1.NodeImageEntryStatus;
import io.quayctl.api.v1alpha1.NodeImagePhase;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterDemoTest {
  @Test
  void parsesTheDemoFlags() {
    ClusterDemo.Args args =
        ClusterDemo.Args.parse("--workers", "5", "--layers=2", "--size", "8MiB", "--keep");
    assertThat(args.workers()).isEqualTo(5);
    assertThat(args.layers()).isEqualTo(2);
    assertThat(args.size()).isEqualTo(8L << 20);
    assertThat(args.keep()).isTrue();
    assertThat(args.anonymous()).isFalse();
    assertThat(args.squashed()).isFalse();
    assertThat(ClusterDemo.Args.parse("--squashed").squashed()).isTrue();
    assertThat(ClusterDemo.Args.parse().size()).isEqualTo(64L << 20);
  }

  @Test
  void sizesAndDurationsReadLikeTheyAreWritten() {
    assertThat(ClusterDemo.Args.size("512KiB")).isEqualTo(512 * 1024);
    assertThat(ClusterDemo.Args.size("1.5M")).isEqualTo(3L << 19);
    assertThat(ClusterDemo.Args.size("4096")).isEqualTo(4096);
    assertThat(ClusterDemo.Args.duration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ClusterDemo.Args.duration("5m")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void rejectsWhatItCannotUse() {
    assertThatThrownBy(() -> ClusterDemo.Args.parse("--workers", "0"))
        .hasMessageContaining("--workers");
    assertThatThrownBy(() -> ClusterDemo.Args.parse("--size", "lots"))
        .hasMessageContaining("64MiB");
    assertThatThrownBy(() -> ClusterDemo.Args.parse("--bogus")).hasMessageContaining("usage");
  }

  @Test
  void aFrameShowsEachNodesPhaseProgressAndSources() {
    ImagePull pull = new ImagePull();
    pull.getMetadata().setName("demo");
    pull.getMetadata().setNamespace("default");
    ImagePullStatus status = new ImagePullStatus();
    status.setPhase(ImagePullPhase.Pulling);
    status.setReady("1/2");
    pull.setStatus(status);
    NodeImageEntryStatus worker = new NodeImageEntryStatus();
    worker.setPhase(NodeImagePhase.Pulling);
    worker.setBytesDone(3L << 20);
    worker.setBytesTotal(4L << 20);
    worker.setBytesFromPeers(3L << 20);
    worker.setBytesFromRegistry(0L);
    NodeImageEntryStatus failed = new NodeImageEntryStatus();
    failed.setPhase(NodeImagePhase.Failed);
    failed.setReason("Unauthorized");
    failed.setMessage("the registry refused the credentials");

    String frame =
        ProgressView.frame(
            pull,
            List.of(
                new ProgressView.Row("worker-1", "worker", Optional.of(worker)),
                new ProgressView.Row("worker-2", "worker", Optional.of(failed)),
                new ProgressView.Row("worker-3", "worker", Optional.empty())),
            Duration.ofMillis(2500));

    assertThat(frame)
        .contains("default/demo", "Pulling", "1/2", "2.5 s")
        .contains("[#######...]  75%", "3.0 MiB")
        .contains("Unauthorized: the registry refused the credentials")
        .contains("worker-3");
  }
}
