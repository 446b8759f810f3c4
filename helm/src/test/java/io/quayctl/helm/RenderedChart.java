package io.quayctl.helm;

import static org.assertj.core.api.Assertions.fail;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The chart rendered with one set of values, every document parsed into Fabric8's model. */
final class RenderedChart {
  static final Path CHART_DIR =
      Path.of(System.getProperty("quayctl.chart.dir", "quayctl")).toAbsolutePath();
  static final String RELEASE = "quayctl";
  static final String NAMESPACE = "quayctl-system";

  /** helm-java renders for Kubernetes 1.20 unless told; the chart needs 1.25 or later. */
  static final String KUBE_VERSION = "1.30.0";

  /** Kinds that Fabric8's model does not know and that the chart may render. */
  private static final Set<String> KINDS_WITHOUT_MODEL = Set.of("ServiceMonitor");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
  private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)");

  private final List<HasMetadata> resources;

  private RenderedChart(List<HasMetadata> resources) {
    this.resources = List.copyOf(resources);
  }

  /** Runs {@code helm template} with {@code --set key=value} for each entry; throws on error. */
  static String template(Map<String, String> values) {
    if (!Files.isRegularFile(CHART_DIR.resolve("Chart.yaml"))) {
      throw new IllegalStateException("No chart at " + CHART_DIR);
    }
    TemplateCommand template =
        new Helm(CHART_DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    values.forEach(template::set);
    return template.call();
  }

  /** Renders with the given {@code --set} values and parses every document. */
  static RenderedChart render(Map<String, String> values) {
    return parse(template(values));
  }

  /** Renders with the chart's default values. */
  static RenderedChart render() {
    return render(Map.of());
  }

  /**
   * Parses a multi-document rendering; fails on a kind Fabric8 does not know (other than {@link
   * #KINDS_WITHOUT_MODEL}) and on any field the model does not know, which is how a misspelled
   * field in a template shows up.
   */
  static RenderedChart parse(String rendered) {
    List<HasMetadata> parsed = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(rendered)) {
      if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      Matcher source = SOURCE.matcher(document);
      String where = source.find() ? source.group(1) : "(no source comment)";
      KubernetesResource resource;
      try {
        resource = SERIALIZATION.unmarshal(document);
      } catch (RuntimeException e) {
        throw new AssertionError("Cannot parse " + where + ":\n" + document, e);
      }
      if (!(resource instanceof HasMetadata hasMetadata)) {
        throw new AssertionError(where + " is not a Kubernetes object:\n" + document);
      }
      if (resource instanceof GenericKubernetesResource generic
          && !KINDS_WITHOUT_MODEL.contains(generic.getKind())) {
        throw new AssertionError(
            where + ": kind " + generic.getApiVersion() + "/" + generic.getKind() + " is unknown");
      }
      List<String> unknown = new ArrayList<>();
      findUnknownFields(resource, hasMetadata.getKind(), unknown);
      if (!unknown.isEmpty()) {
        throw new AssertionError(where + ": fields the API does not have: " + unknown);
      }
      parsed.add(hasMetadata);
    }
    return new RenderedChart(parsed);
  }

  List<HasMetadata> all() {
    return resources;
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return resources.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
    return all(type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst();
  }

  <T extends HasMetadata> T get(Class<T> type, String name) {
    return find(type, name)
        .orElseGet(
            () ->
                fail(
                    "No %s named %s; rendered: %s",
                    type.getSimpleName(),
                    name,
                    resources.stream()
                        .map(r -> r.getKind() + "/" + r.getMetadata().getName())
                        .toList()));
  }

  /** Parses YAML outside a rendering (e.g. a CRD file) with the same model. */
  static <T> T unmarshal(String yaml, Class<T> type) {
    return SERIALIZATION.unmarshal(yaml, type);
  }

  /** Walks the model objects and records each non-empty {@code additionalProperties}. */
  private static void findUnknownFields(Object value, String path, List<String> unknown) {
    if (value == null || value instanceof GenericKubernetesResource) {
      return;
    }
    if (value instanceof Collection<?> collection) {
      int i = 0;
      for (Object item : collection) {
        findUnknownFields(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> findUnknownFields(v, path + "." + k, unknown));
      return;
    }
    if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Class<?> c = value.getClass(); c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
          continue;
        }
        Object fieldValue = read(field, value);
        if (field.getName().equals("additionalProperties")) {
          if (fieldValue instanceof Map<?, ?> extra && !extra.isEmpty()) {
            unknown.add(path + ": " + extra.keySet());
          }
        } else {
          findUnknownFields(fieldValue, path + "." + field.getName(), unknown);
        }
      }
    }
  }

  private static Object read(Field field, Object owner) {
    try {
      field.setAccessible(true);
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The labels of a pod template, never null. */
  static Map<String, String> labels(io.fabric8.kubernetes.api.model.ObjectMeta metadata) {
    return metadata == null || metadata.getLabels() == null
        ? Map.of()
        : new LinkedHashMap<>(metadata.getLabels());
  }

  /** True when every selector entry is among the labels. */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector.entrySet().stream()
        .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
  }
}
