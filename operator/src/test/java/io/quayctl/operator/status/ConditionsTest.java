package io.quayctl.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Instant T1 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2025-01-01T00:05:00Z");

  @Test
  void addsAConditionWithTheTransitionTimeNow() {
    List<Condition> c = Conditions.set(List.of(), "Resolved", false, "Resolving", "m", 1L, T1);
    assertThat(c)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.getStatus()).isEqualTo("False");
              assertThat(x.getLastTransitionTime()).isEqualTo(T1.toString());
              assertThat(x.getObservedGeneration()).isEqualTo(1L);
            });
  }

  @Test
  void keepsTheTransitionTimeWhenOnlyReasonMessageOrGenerationChange() {
    List<Condition> c = Conditions.set(List.of(), "Progressing", true, "Resolving", "a", 1L, T1);
    c = Conditions.set(c, "Progressing", true, "Pulling", "b", 2L, T2);
    assertThat(c)
        .singleElement()
        .satisfies(
            x -> {
              assertThat(x.getReason()).isEqualTo("Pulling");
              assertThat(x.getMessage()).isEqualTo("b");
              assertThat(x.getObservedGeneration()).isEqualTo(2L);
              assertThat(x.getLastTransitionTime()).isEqualTo(T1.toString());
            });
  }

  @Test
  void movesTheTransitionTimeWhenTheStatusFlipsAndKeepsOtherConditions() {
    List<Condition> c = Conditions.set(List.of(), "Complete", false, "Pulling", "", 1L, T1);
    c = Conditions.set(c, "Failed", false, "Pulling", "", 1L, T1);
    c = Conditions.set(c, "Complete", true, "AllNodesSucceeded", "", 1L, T2);
    assertThat(c).extracting(Condition::getType).containsExactly("Complete", "Failed");
    assertThat(Conditions.find(c, "Complete").get().getLastTransitionTime())
        .isEqualTo(T2.toString());
    assertThat(Conditions.isTrue(c, "Complete")).isTrue();
    assertThat(Conditions.find(c, "Failed").get().getLastTransitionTime()).isEqualTo(T1.toString());
  }
}
