package io.quayctl.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header (RFC 7235), such as {@code Bearer
 * realm="https://auth.example/token",service="registry",scope="repository:x:pull"}.
 *
 * @param scheme lowercase scheme, {@code basic} or {@code bearer}
 * @param params parameters with lowercase names
 */
record AuthChallenge(String scheme, Map<String, String> params) {

  AuthChallenge {
    scheme = scheme.toLowerCase(Locale.ROOT);
    params = Map.copyOf(params);
  }

  /** The parameter's value, or {@code null}. */
  String param(String name) {
    return params.get(name);
  }

  /** Parses every challenge in the given header values, in order. */
  static List<AuthChallenge> parse(List<String> headerValues) {
    List<AuthChallenge> out = new ArrayList<>();
    for (String value : headerValues) {
      parseOne(value, out);
    }
    return out;
  }

  private static void parseOne(String s, List<AuthChallenge> out) {
    int n = s.length();
    int i = 0;
    String scheme = null;
    Map<String, String> params = new LinkedHashMap<>();
    while (i < n) {
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == ',' || s.charAt(i) == '\t')) {
        i++;
      }
      int start = i;
      while (i < n && " \t,=".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      if (start == i) {
        i++;
        continue;
      }
      String token = s.substring(start, i);
      int j = i;
      while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
        j++;
      }
      if (scheme != null && j < n && s.charAt(j) == '=') {
        i = j + 1;
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
          i++;
        }
        StringBuilder v = new StringBuilder();
        if (i < n && s.charAt(i) == '"') {
          i++;
          while (i < n && s.charAt(i) != '"') {
            char c = s.charAt(i++);
            if (c == '\\' && i < n) {
              c = s.charAt(i++);
            }
            v.append(c);
          }
          i++;
        } else {
          while (i < n && s.charAt(i) != ',' && s.charAt(i) != ' ') {
            v.append(s.charAt(i++));
          }
        }
        params.put(token.toLowerCase(Locale.ROOT), v.toString());
      } else {
        if (scheme != null) {
          out.add(new AuthChallenge(scheme, params));
        }
        scheme = token;
        params = new LinkedHashMap<>();
      }
    }
    if (scheme != null) {
      out.add(new AuthChallenge(scheme, params));
    }
  }
}
