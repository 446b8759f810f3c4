package io.quayctl.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BencodeTest {

  private static String enc(Object v) {
    return new String(Bencode.encode(v), StandardCharsets.ISO_8859_1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void encodesTheFourTypes() {
    assertThat(enc(42L)).isEqualTo("i42e");
    assertThat(enc(-3)).isEqualTo("i-3e");
    assertThat(enc(0L)).isEqualTo("i0e");
    assertThat(enc("spam")).isEqualTo("4:spam");
    assertThat(enc("")).isEqualTo("0:");
    assertThat(enc(new byte[] {0, (byte) 0xff})).isEqualTo("2:\u0000\u00ff");
    assertThat(enc(List.of("a", 1L))).isEqualTo("l1:ai1ee");
    assertThat(enc(Map.of("cow", "moo", "spam", "eggs"))).isEqualTo("d3:cow3:moo4:spam4:eggse");
  }

  @Test
  void sortsDictionaryKeysByRawBytes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", 1L);
    m.put("a", 2L);
    m.put("é", 3L); // 0xc3 0xa9: after every ASCII key
    m.put("B", 4L);
    assertThat(enc(m)).isEqualTo("d1:Bi4e1:ai2e1:zi1e2:\u00c3\u00a9i3ee");
  }

  @Test
  void decodesWhatItEncodes() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("info", Map.of("length", 5L, "name", "x", "pieces", new byte[20]));
    m.put("list", List.of(1L, "two", List.of()));
    byte[] encoded = Bencode.encode(m);
    Object decoded = Bencode.decode(encoded);
    assertThat(Bencode.encode(decoded)).isEqualTo(encoded);
    Map<String, Object> top = Bencode.decodeDictionary(encoded);
    assertThat(Bencode.dictionary(top, "info").flatMap(i -> Bencode.integer(i, "length")))
        .contains(5L);
    assertThat(Bencode.dictionary(top, "info").flatMap(i -> Bencode.string(i, "name")))
        .contains("x");
  }

  @Test
  void rawValueReturnsTheExactInputSlice() {
    // Keys out of order inside info: re-encoding would change the bytes, the raw slice must not.
    String info = "d4:name1:x6:lengthi5ee";
    byte[] data = bytes("d8:announce3:url4:info" + info + "e");
    assertThat(Bencode.rawValue(data, "info")).hasValueSatisfying(v -> bytes(info).equals(v));
    assertThat(new String(Bencode.rawValue(data, "info").orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo(info);
    assertThat(Bencode.rawValue(data, "missing")).isEmpty();
  }

  @Test
  void rawIsSplicedVerbatim() {
    byte[] raw = bytes("d1:bi1e1:ai2ee");
    assertThat(enc(Map.of("info", new Bencode.Raw(raw)))).isEqualTo("d4:infod1:bi1e1:ai2eee");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "i",
        "ie",
        "i-e",
        "i01e",
        "i-0e",
        "i1x2e",
        "3:ab",
        "l",
        "d",
        "d1:ae",
        "x",
        "i1ei2e",
        "d1:ai1e1:ai2ee",
        "-1:a",
        "i99999999999999999999e",
        "5:abc"
      })
  void rejectsMalformedInput(String input) {
    assertThatThrownBy(() -> Bencode.decode(bytes(input))).isInstanceOf(BencodeException.class);
  }

  @Test
  void rejectsExcessiveNesting() {
    String deep = "l".repeat(100) + "e".repeat(100);
    assertThatThrownBy(() -> Bencode.decode(bytes(deep))).isInstanceOf(BencodeException.class);
  }

  @Test
  void refusesUnsupportedValues() {
    assertThatThrownBy(() -> Bencode.encode(1.5)).isInstanceOf(BencodeException.class);
    Map<String, Object> withNull = new LinkedHashMap<>();
    withNull.put("k", null);
    assertThatThrownBy(() -> Bencode.encode(withNull)).isInstanceOf(BencodeException.class);
  }
}
