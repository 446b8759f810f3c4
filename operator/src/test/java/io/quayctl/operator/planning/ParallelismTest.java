package io.quayctl.operator.planning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ParallelismTest {
  @Test
  void unsetMeansAllAtOnce() {
    assertThat(Parallelism.limit(null, 8)).isEqualTo(8);
    assertThat(Parallelism.limit(null, 0)).isEqualTo(1);
  }

  @Test
  void integerIsTakenAsGiven() {
    assertThat(Parallelism.limit(new IntOrString(3), 8)).isEqualTo(3);
    assertThat(Parallelism.limit(new IntOrString(20), 8)).isEqualTo(20);
  }

  @ParameterizedTest
  @CsvSource({"25%,8,2", "25%,9,3", "1%,8,1", "100%,8,8", "50%,1,1", "10%,0,1", "150%,4,4"})
  void percentageRoundsUpAndIsAtLeastOne(String percent, int desired, int expected) {
    assertThat(Parallelism.limit(new IntOrString(percent), desired)).isEqualTo(expected);
  }

  @Test
  void rejectsZeroNegativeAndGarbage() {
    assertThatThrownBy(() -> Parallelism.limit(new IntOrString(0), 4))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Parallelism.limit(new IntOrString("0%"), 4))
        .hasMessageContaining("more than 0%");
    assertThatThrownBy(() -> Parallelism.limit(new IntOrString("half"), 4))
        .hasMessageContaining("neither a number nor a percentage");
  }
}
