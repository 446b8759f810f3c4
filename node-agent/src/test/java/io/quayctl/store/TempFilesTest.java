package io.quayctl.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {
  @TempDir Path dir;

  @Test
  void filesOfADeadProcessAreRemovedAndLiveOnesKept() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path abandoned = Files.createFile(dir.resolve("layer-" + gone.pid() + "-123.tmp"));
    Path mine = TempFiles.create(dir, "layer");
    Path foreign = Files.createFile(dir.resolve("notes-" + gone.pid() + ".tmp"));

    assertThat(TempFiles.removeAbandoned(dir)).isEqualTo(1);

    assertThat(abandoned).doesNotExist();
    assertThat(mine).exists();
    assertThat(foreign).as("not named like ours").exists();
    TempFiles.release(mine);
    assertThat(mine).doesNotExist();
  }

  @Test
  void aPrefixLimitsWhatIsRemoved() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path ours = Files.createFile(dir.resolve(".app.aci-" + gone.pid() + "-1.tmp"));
    Path other = Files.createFile(dir.resolve("cache-" + gone.pid() + "-1.tmp"));

    assertThat(TempFiles.removeAbandoned(dir, ".app.aci")).isEqualTo(1);

    assertThat(ours).doesNotExist();
    assertThat(other).exists();
  }

  @Test
  void deleteAllRemovesWhatWasNotReleased() throws Exception {
    Path a = TempFiles.create(dir, "layer");
    Files.writeString(a, "partial");

    TempFiles.deleteAll();

    assertThat(a).doesNotExist();
  }
}
