package io.quayctl.api.v1alpha1;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a document against a CRD's structural OpenAPI v3 schema the way the API server prunes and
 * validates it: types, required fields, enums, patterns, minimums, int-or-string, and unknown
 * fields rejected (rather than silently pruned). CEL rules are not evaluated.
 */
final class OpenApiStructuralValidator {
  private OpenApiStructuralValidator() {}

  /** Returns one message per violation, each starting with the JSON path; empty when valid. */
  static List<String> validate(JSONSchemaProps schema, JsonNode value) {
    List<String> errors = new ArrayList<>();
    check(schema, value, "$", errors);
    return errors;
  }

  private static void check(JSONSchemaProps schema, JsonNode value, String path, List<String> e) {
    if (value == null || value.isNull()) {
      if (!Boolean.TRUE.equals(schema.getNullable())) {
        e.add(path + ": null is not allowed");
      }
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (!value.isIntegralNumber() && !value.isTextual()) {
        e.add(path + ": must be an integer or a string");
      }
    } else if (schema.getType() != null && !hasType(value, schema.getType())) {
      e.add(path + ": must be of type " + schema.getType() + ", is " + value.getNodeType());
      return;
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty()) {
      if (schema.getEnum().stream().noneMatch(allowed -> allowed.equals(value))) {
        e.add(path + ": " + value + " is not one of " + schema.getEnum());
      }
    }
    if (schema.getPattern() != null
        && value.isTextual()
        && !Pattern.compile(schema.getPattern()).matcher(value.asText()).find()) {
      e.add(path + ": \"" + value.asText() + "\" does not match " + schema.getPattern());
    }
    if (schema.getMinimum() != null && value.isNumber() && value.asDouble() < schema.getMinimum()) {
      e.add(path + ": " + value + " is less than the minimum " + schema.getMinimum());
    }
    if (value.isArray() && schema.getItems() != null) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.getItems().getSchema(), value.get(i), path + "[" + i + "]", e);
      }
    }
    if (value.isObject()) {
      checkObject(schema, value, path, e);
    }
  }

  private static void checkObject(
      JSONSchemaProps schema, JsonNode value, String path, List<String> e) {
    if (schema.getRequired() != null) {
      for (String required : schema.getRequired()) {
        if (!value.has(required)) {
          e.add(path + ": required field \"" + required + "\" is missing");
        }
      }
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())) {
      return;
    }
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    JSONSchemaProps additional =
        schema.getAdditionalProperties() == null
            ? null
            : schema.getAdditionalProperties().getSchema();
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String fieldPath = path + "." + field.getKey();
      if (properties != null && properties.containsKey(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), fieldPath, e);
      } else if (additional != null) {
        check(additional, field.getValue(), fieldPath, e);
      } else if (!isEmbeddedObjectMeta(path, field.getKey())) {
        e.add(fieldPath + ": unknown field");
      }
    }
  }

  /** The API server validates apiVersion, kind and metadata itself; the schema may omit them. */
  private static boolean isEmbeddedObjectMeta(String path, String field) {
    return path.equals("$")
        && (field.equals("apiVersion") || field.equals("kind") || field.equals("metadata"));
  }

  private static boolean hasType(JsonNode value, String type) {
    switch (type) {
      case "object":
        return value.isObject();
      case "array":
        return value.isArray();
      case "string":
        return value.isTextual();
      case "integer":
        return value.isIntegralNumber();
      case "number":
        return value.isNumber();
      case "boolean":
        return value.isBoolean();
      default:
        throw new IllegalArgumentException("unsupported schema type " + type);
    }
  }
}
