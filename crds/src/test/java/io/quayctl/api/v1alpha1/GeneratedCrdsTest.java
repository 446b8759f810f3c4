package io.quayctl.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GeneratedCrdsTest {

  @ParameterizedTest
  @ValueSource(strings = {GeneratedCrds.IMAGE_PULLS, GeneratedCrds.NODE_IMAGES})
  void chartCopyIsTheGeneratedCrd(String file) throws IOException {
    assertThat(GeneratedCrds.chartCopyExists(file))
        .as(
            "%s is missing; run `mvn -pl crds -am package -DskipTests`",
            GeneratedCrds.chartCopy(file))
        .isTrue();
    String committed = Files.readString(GeneratedCrds.chartCopy(file));
    String generated =
        new String(GeneratedCrds.bytes(file), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(committed)
        .as(
            "%s differs from the CRD generated from the Java types; run `mvn -pl crds -am package"
                + " -DskipTests` and commit the result",
            GeneratedCrds.chartCopy(file))
        .isEqualTo(generated);
  }

  @Test
  void imagePullIsNamespacedWithShortNameStatusAndColumns() {
    CustomResourceDefinition crd = GeneratedCrds.load(GeneratedCrds.IMAGE_PULLS);
    assertThat(crd.getMetadata().getName()).isEqualTo("imagepulls.quayctl.io");
    assertThat(crd.getSpec().getGroup()).isEqualTo("quayctl.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
    assertThat(crd.getSpec().getNames().getKind()).isEqualTo("ImagePull");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("ipull");

    CustomResourceDefinitionVersion v = onlyVersion(crd);
    assertThat(v.getName()).isEqualTo("v1alpha1");
    assertThat(v.getServed()).isTrue();
    assertThat(v.getStorage()).isTrue();
    assertThat(v.getSubresources().getStatus()).isNotNull();

    Map<String, CustomResourceColumnDefinition> columns =
        v.getAdditionalPrinterColumns().stream()
            .collect(Collectors.toMap(CustomResourceColumnDefinition::getName, c -> c));
    assertThat(columns).containsKeys("Image", "Ready", "Phase", "Age");
    assertThat(columns.get("Image").getJsonPath()).isEqualTo(".spec.image");
    assertThat(columns.get("Ready").getJsonPath()).isEqualTo(".status.ready");
    assertThat(columns.get("Ready").getType()).isEqualTo("string");
    assertThat(columns.get("Phase").getJsonPath()).isEqualTo(".status.phase");
    assertThat(columns.get("Age").getType()).isEqualTo("date");
    assertThat(columns.get("Age").getJsonPath()).isEqualTo(".metadata.creationTimestamp");
  }

  @Test
  void imagePullSchemaCarriesTheValidation() {
    JSONSchemaProps root =
        onlyVersion(GeneratedCrds.load(GeneratedCrds.IMAGE_PULLS)).getSchema().getOpenAPIV3Schema();
    JSONSchemaProps spec = root.getProperties().get("spec");
    assertThat(spec.getRequired()).containsExactly("image");

    Map<String, JSONSchemaProps> p = spec.getProperties();
    assertThat(p.get("format").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("layers", "squashed");
    assertThat(p.get("format").getDefault().asText()).isEqualTo("layers");
    assertThat(p.get("runtime").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("auto", "containerd", "docker");
    assertThat(p.get("runtime").getDefault().asText()).isEqualTo("auto");
    assertThat(p.get("parallelism").getXKubernetesIntOrString()).isTrue();
    assertThat(p.get("parallelism").getXKubernetesValidations()).hasSize(1);
    assertThat(p.get("timeoutSeconds").getMinimum()).isEqualTo(1.0);
    assertThat(p.get("backoffLimit").getMinimum()).isEqualTo(0.0);
    assertThat(p.get("backoffLimit").getDefault().asInt())
        .isEqualTo(ImagePullSpec.DEFAULT_BACKOFF_LIMIT);
    assertThat(p.get("seed").getProperties().get("duration").getPattern())
        .isEqualTo(SeedPolicy.DURATION_PATTERN);
    assertThat(p.get("nodeSelector").getProperties())
        .containsKeys("matchLabels", "matchExpressions");

    JSONSchemaProps status = root.getProperties().get("status");
    assertThat(status.getProperties())
        .containsKeys(
            "resolvedDigest",
            "layers",
            "desired",
            "pulling",
            "succeeded",
            "failed",
            "failedNodes",
            "bytesFromPeers",
            "bytesFromRegistry",
            "startTime",
            "completionTime",
            "conditions",
            "observedGeneration",
            "phase",
            "ready");
    assertThat(status.getProperties().get("phase").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("Pending", "Resolving", "Pulling", "Complete", "Failed");
    JSONSchemaProps condition = status.getProperties().get("conditions").getItems().getSchema();
    assertThat(condition.getProperties())
        .containsKeys(
            "type", "status", "reason", "message", "lastTransitionTime", "observedGeneration");
  }

  @Test
  void nodeImageIsClusterScopedWithStatus() {
    CustomResourceDefinition crd = GeneratedCrds.load(GeneratedCrds.NODE_IMAGES);
    assertThat(crd.getMetadata().getName()).isEqualTo("nodeimages.quayctl.io");
    assertThat(crd.getSpec().getScope()).isEqualTo("Cluster");
    assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("nimg");
    CustomResourceDefinitionVersion v = onlyVersion(crd);
    assertThat(v.getSubresources().getStatus()).isNotNull();

    JSONSchemaProps root = v.getSchema().getOpenAPIV3Schema();
    JSONSchemaProps entry =
        root.getProperties().get("spec").getProperties().get("images").getItems().getSchema();
    assertThat(entry.getRequired()).contains("key", "imagePull", "image", "platform", "role");
    assertThat(entry.getProperties().get("role").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder("Bastion", "Worker");

    JSONSchemaProps reported =
        root.getProperties().get("status").getProperties().get("images").getItems().getSchema();
    assertThat(reported.getRequired()).contains("key", "phase");
    assertThat(reported.getProperties().get("phase").getEnum())
        .extracting(n -> n.asText())
        .containsExactlyInAnyOrder(
            "Pending", "Resolving", "Pulling", "Importing", "Seeding", "Complete", "Failed");
  }

  static CustomResourceDefinitionVersion onlyVersion(CustomResourceDefinition crd) {
    assertThat(crd.getSpec().getVersions()).hasSize(1);
    return crd.getSpec().getVersions().get(0);
  }
}
