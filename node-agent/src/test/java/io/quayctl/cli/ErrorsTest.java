package io.quayctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quayctl.distribution.NotEnoughSpaceException;
import io.quayctl.store.StoreWriteException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ErrorsTest {

  @Test
  void tooLittleSpaceFoundUpFrontIsADiskFullLikeOneFoundMidDownload() {
    NotEnoughSpaceException early =
        new NotEnoughSpaceException(Path.of("/var/lib/quayctl/store"), "x:1", 2048, 1024);
    StoreWriteException late =
        new StoreWriteException("blob x", new IOException("No space left on device"));

    assertThat(Errors.exitCode(early)).isEqualTo(ExitCode.DISK_FULL);
    assertThat(Errors.exitCode(late)).isEqualTo(ExitCode.DISK_FULL);
  }
}
