package io.quayctl.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quayctl.api.Digest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageConfigTest {
  private static final Digest A = Digest.of("a".getBytes(StandardCharsets.UTF_8));
  private static final Digest B = Digest.of("b".getBytes(StandardCharsets.UTF_8));

  @Test
  void chainIdsFollowTheOciImageSpec() {
    // ChainID(L0|L1) = sha256(ChainID(L0) + " " + DiffID(L1)), ChainID(L0) = DiffID(L0).
    Digest ab = Digest.of((A + " " + B).getBytes(StandardCharsets.US_ASCII));
    Digest aba = Digest.of((ab + " " + A).getBytes(StandardCharsets.US_ASCII));
    assertThat(ImageConfig.chainIds(List.of(A, B, A))).containsExactly(A, ab, aba);
  }

  @Test
  void readsDiffIdsFromAConfig() throws Exception {
    String json = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + A + "\",\"" + B + "\"]}}";
    ImageConfig config = ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8));
    assertThat(config.diffIds()).containsExactly(A, B);
  }

  @Test
  void rejectsAConfigWithoutDiffIds() {
    assertThatThrownBy(() -> ImageConfig.parse("{}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageStartingWith("image config has no rootfs.diff_ids");
  }
}
