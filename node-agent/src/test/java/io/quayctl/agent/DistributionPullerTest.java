package io.quayctl.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.api.v1alpha1.NodeImagePhase;
import io.quayctl.distribution.NotEnoughSpaceException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DistributionPullerTest {

  @Test
  void tooLittleSpaceForTheImageIsDiskFull() {
    NotEnoughSpaceException e =
        new NotEnoughSpaceException(Path.of("/var/lib/quayctl/store"), "x:1", 2048, 1024);

    PullEvent.Failed failed = DistributionPuller.classify(e, NodeImagePhase.Pulling, false);

    assertThat(failed.reason()).isEqualTo("DiskFull");
    assertThat(failed.message()).isEqualTo(e.getMessage());
  }

  @Test
  void aDiskThatFillsDuringTheTransferIsDiskFullWhateverWrappedIt() {
    Exception e =
        new io.quayctl.registry.RegistryException(
            io.quayctl.registry.RegistryException.Kind.UNREACHABLE,
            "fetching blob sha256:abc failed",
            new java.io.IOException("write failed: No space left on device"));

    PullEvent.Failed failed = DistributionPuller.classify(e, NodeImagePhase.Pulling, false);

    assertThat(failed.reason()).isEqualTo("DiskFull");
  }
}
