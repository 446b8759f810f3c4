package io.quayctl.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExampleImagePullTest {
  private static final Path EXAMPLE = Path.of("examples/imagepull.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JSONSchemaProps schema =
      GeneratedCrdsTest.onlyVersion(GeneratedCrds.load(GeneratedCrds.IMAGE_PULLS))
          .getSchema()
          .getOpenAPIV3Schema();

  @Test
  void exampleIsValidAgainstTheGeneratedSchema() throws IOException {
    JsonNode example = YAML.readTree(EXAMPLE.toFile());
    assertThat(OpenApiStructuralValidator.validate(schema, example)).isEmpty();
  }

  @Test
  void exampleReadsIntoTheJavaTypes() throws IOException {
    ImagePull pull =
        Serialization.unmarshal(java.nio.file.Files.newInputStream(EXAMPLE), ImagePull.class);
    assertThat(pull.getSpec().getImage()).isEqualTo("registry.example.com/team/app:1.2");
    assertThat(pull.getSpec().getFormat()).isEqualTo(ImageFormat.LAYERS);
    assertThat(pull.getSpec().getRuntime()).isEqualTo(RuntimeKind.CONTAINERD);
    assertThat(pull.getSpec().getParallelism().getStrVal()).isEqualTo("25%");
    assertThat(pull.getSpec().getSeed().getDuration()).isEqualTo("1h30m");
  }

  @Test
  void validatorRejectsWhatTheApiServerWould() throws IOException {
    ObjectNode bad = (ObjectNode) YAML.readTree(EXAMPLE.toFile());
    ObjectNode spec = (ObjectNode) bad.get("spec");
    spec.remove("image");
    spec.put("format", "tarball");
    spec.put("runtime", "cri-o");
    spec.put("timeoutSeconds", 0);
    spec.put("parallelism", true);
    spec.put("imagePullPolicy", "Always");
    ((ObjectNode) spec.get("seed")).put("duration", "forever");

    List<String> errors = OpenApiStructuralValidator.validate(schema, bad);

    assertThat(errors)
        .anyMatch(m -> m.contains("$.spec: required field \"image\""))
        .anyMatch(m -> m.startsWith("$.spec.format:") && m.contains("not one of"))
        .anyMatch(m -> m.startsWith("$.spec.runtime:") && m.contains("not one of"))
        .anyMatch(m -> m.startsWith("$.spec.timeoutSeconds:") && m.contains("minimum"))
        .anyMatch(m -> m.startsWith("$.spec.parallelism:") && m.contains("integer or a string"))
        .anyMatch(m -> m.equals("$.spec.imagePullPolicy: unknown field"))
        .anyMatch(m -> m.startsWith("$.spec.seed.duration:") && m.contains("does not match"))
        .hasSize(7);
  }
}
