package io.quayctl.tracker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Bencoding (BEP 3): the encoding of metainfo files and tracker responses.
 *
 * <p>Decoded values are {@link Long} (integers), {@code byte[]} (strings, which may be binary),
 * {@code List<Object>} and {@code Map<String, Object>} (keys decoded as UTF-8, in input order). The
 * encoder accepts those types plus {@link String} (encoded as UTF-8), {@link Integer} and {@link
 * Raw} (already-bencoded bytes, written verbatim); it writes dictionary keys sorted by their raw
 * bytes, as the specification requires, so encoding is canonical.
 *
 * <p>Written here rather than taken from a library because the infohash is the SHA-1 of the
 * <em>exact</em> bytes of the {@code info} dictionary: {@link #rawValue} returns that slice of the
 * input, and {@link Raw} lets an encoder splice it back unchanged. The decoder is strict (no
 * leading zeros, no {@code -0}, no trailing data, depth-limited) so two parties never read one
 * input differently.
 */
public final class Bencode {
  private static final int MAX_DEPTH = 64;

  private Bencode() {}

  /** Already-bencoded bytes, written verbatim by {@link #encode}. */
  public record Raw(byte[] bytes) {
    public Raw {
      bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Raw other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "Raw[" + bytes.length + " bytes]";
    }
  }

  /** Encodes a value made of the supported types. */
  public static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, value, 0);
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, Object value, int depth) {
    if (depth > MAX_DEPTH) {
      throw new BencodeException("value nested deeper than " + MAX_DEPTH + " levels");
    }
    if (value instanceof byte[] bytes) {
      writeString(out, bytes);
    } else if (value instanceof String s) {
      writeString(out, s.getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof Long || value instanceof Integer) {
      out.writeBytes(
          ("i" + ((Number) value).longValue() + "e").getBytes(StandardCharsets.US_ASCII));
    } else if (value instanceof Raw raw) {
      out.writeBytes(raw.bytes);
    } else if (value instanceof List<?> list) {
      out.write('l');
      for (Object item : list) {
        write(out, item, depth + 1);
      }
      out.write('e');
    } else if (value instanceof Map<?, ?> map) {
      TreeMap<byte[], Object> sorted = new TreeMap<>(Arrays::compareUnsigned);
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new BencodeException("dictionary keys must be strings, got " + e.getKey());
        }
        if (e.getValue() == null) {
          throw new BencodeException("dictionary value for \"" + key + "\" is null");
        }
        sorted.put(key.getBytes(StandardCharsets.UTF_8), e.getValue());
      }
      out.write('d');
      for (Map.Entry<byte[], Object> e : sorted.entrySet()) {
        writeString(out, e.getKey());
        write(out, e.getValue(), depth + 1);
      }
      out.write('e');
    } else {
      throw new BencodeException(
          "cannot bencode " + (value == null ? "null" : value.getClass().getName()));
    }
  }

  private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
    out.writeBytes(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
    out.write(':');
    out.writeBytes(bytes);
  }

  /** Decodes exactly one value that spans the whole input. */
  public static Object decode(byte[] data) {
    Reader reader = new Reader(data);
    Object value = reader.value(0);
    if (reader.pos != data.length) {
      throw new BencodeException(
          "trailing data after the value at offset " + reader.pos + " of " + data.length);
    }
    return value;
  }

  /** Decodes a value that must be a dictionary. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> decodeDictionary(byte[] data) {
    Object value = decode(data);
    if (!(value instanceof Map<?, ?>)) {
      throw new BencodeException("expected a dictionary at the top level");
    }
    return (Map<String, Object>) value;
  }

  /**
   * The exact encoded bytes of {@code key}'s value in the top-level dictionary of {@code data} (for
   * example the {@code info} dictionary of a metainfo file), if present.
   */
  public static Optional<byte[]> rawValue(byte[] data, String key) {
    Reader reader = new Reader(data);
    if (data.length == 0 || data[0] != 'd') {
      throw new BencodeException("expected a dictionary at the top level");
    }
    reader.pos = 1;
    byte[] wanted = key.getBytes(StandardCharsets.UTF_8);
    byte[] found = null;
    while (reader.peek() != 'e') {
      byte[] k = reader.string();
      int start = reader.pos;
      reader.value(1);
      if (Arrays.equals(k, wanted)) {
        found = Arrays.copyOfRange(data, start, reader.pos);
      }
    }
    reader.pos++;
    if (reader.pos != data.length) {
      throw new BencodeException("trailing data after the top-level dictionary");
    }
    return Optional.ofNullable(found);
  }

  /** A UTF-8 string value of a decoded dictionary, or empty when absent. */
  public static Optional<String> string(Map<String, Object> dict, String key) {
    Object v = dict.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof byte[] bytes)) {
      throw new BencodeException("\"" + key + "\" is not a string");
    }
    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
  }

  /** An integer value of a decoded dictionary, or empty when absent. */
  public static Optional<Long> integer(Map<String, Object> dict, String key) {
    Object v = dict.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Long n)) {
      throw new BencodeException("\"" + key + "\" is not an integer");
    }
    return Optional.of(n);
  }

  /** A dictionary value of a decoded dictionary, or empty when absent. */
  @SuppressWarnings("unchecked")
  public static Optional<Map<String, Object>> dictionary(Map<String, Object> dict, String key) {
    Object v = dict.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (!(v instanceof Map<?, ?>)) {
      throw new BencodeException("\"" + key + "\" is not a dictionary");
    }
    return Optional.of((Map<String, Object>) v);
  }

  private static final class Reader {
    private final byte[] data;
    private int pos;

    Reader(byte[] data) {
      this.data = data;
    }

    int peek() {
      if (pos >= data.length) {
        throw new BencodeException("unexpected end of input at offset " + pos);
      }
      return data[pos] & 0xff;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw new BencodeException("input nested deeper than " + MAX_DEPTH + " levels");
      }
      int c = peek();
      if (c == 'i') {
        pos++;
        long n = number('e');
        return n;
      }
      if (c == 'l') {
        pos++;
        List<Object> list = new ArrayList<>();
        while (peek() != 'e') {
          list.add(value(depth + 1));
        }
        pos++;
        return Collections.unmodifiableList(list);
      }
      if (c == 'd') {
        pos++;
        Map<String, Object> map = new LinkedHashMap<>();
        while (peek() != 'e') {
          int keyAt = pos;
          String key = new String(string(), StandardCharsets.UTF_8);
          if (map.containsKey(key)) {
            throw new BencodeException("duplicate key \"" + key + "\" at offset " + keyAt);
          }
          map.put(key, value(depth + 1));
        }
        pos++;
        return Collections.unmodifiableMap(map);
      }
      if (c >= '0' && c <= '9') {
        return string();
      }
      throw new BencodeException("unexpected byte 0x" + Integer.toHexString(c) + " at " + pos);
    }

    byte[] string() {
      if (peek() < '0' || peek() > '9') {
        throw new BencodeException("expected a string length at offset " + pos);
      }
      long len = number(':');
      if (len < 0 || len > data.length - pos) {
        throw new BencodeException("string of length " + len + " overruns the input at " + pos);
      }
      byte[] s = Arrays.copyOfRange(data, pos, pos + (int) len);
      pos += (int) len;
      return s;
    }

    /** Reads a decimal integer up to {@code end}, rejecting leading zeros and {@code -0}. */
    long number(char end) {
      int start = pos;
      boolean negative = false;
      if (peek() == '-') {
        negative = true;
        pos++;
      }
      int digitsAt = pos;
      long n = 0;
      while (peek() != end) {
        int c = peek();
        if (c < '0' || c > '9') {
          throw new BencodeException("invalid digit at offset " + pos);
        }
        try {
          n = Math.addExact(Math.multiplyExact(n, 10), c - '0');
        } catch (ArithmeticException e) {
          throw new BencodeException("integer too large at offset " + start);
        }
        pos++;
      }
      int digits = pos - digitsAt;
      if (digits == 0
          || (digits > 1 && data[digitsAt] == '0')
          || (negative && data[digitsAt] == '0')) {
        throw new BencodeException("malformed integer at offset " + start);
      }
      pos++;
      return negative ? -n : n;
    }
  }
}
