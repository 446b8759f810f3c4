package io.quayctl.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbesTest {
  @Test
  void threadCpuIsGroupedByNameWithEndedThreadsAccountedFor() {
    Map<Long, Probes.ThreadCpu> before =
        Map.of(
            1L, new Probes.ThreadCpu("torrent-verify", 1.0),
            2L, new Probes.ThreadCpu("pull-job-1", 0.5),
            3L, new Probes.ThreadCpu("pull-job-2", 0.2));
    Map<Long, Probes.ThreadCpu> after =
        Map.of(
            1L, new Probes.ThreadCpu("torrent-verify", 3.0),
            2L, new Probes.ThreadCpu("pull-job-1", 1.5),
            4L, new Probes.ThreadCpu("pull-job-17", 0.5));
    Map<String, Double> delta = Probes.threadDelta(before, after, 5.0);
    assertThat(delta.get("torrent-verify")).isEqualTo(2.0);
    assertThat(delta.get("pull-job-#")).isEqualTo(1.5);
    assertThat(delta.get("(ended threads)")).isEqualTo(1.5);
  }

  @Test
  void readsThisProcess() {
    Probes.Proc self = Probes.proc(ProcessHandle.current().pid()).orElseThrow();
    assertThat(self.cpuSeconds()).isPositive();
    assertThat(self.peakRssBytes()).isGreaterThan(1 << 20);
    assertThat(Probes.threads(self.pid())).isNotEmpty();
  }
}
