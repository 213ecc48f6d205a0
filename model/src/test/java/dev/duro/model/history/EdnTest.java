package dev.duro.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The EDN reader: every form Jepsen and Knossos histories use, and errors that name the line. */
class EdnTest {
    private static Object read(String s) {
        return new Edn(s, "t.edn", 1).read();
    }

    @Test
    void readsScalars() {
        assertThat(read("nil")).isNull();
        assertThat(read("true")).isEqualTo(true);
        assertThat(read("-42")).isEqualTo(-42L);
        assertThat(read("1.5")).isEqualTo(1.5);
        assertThat(read(":timed-out")).isEqualTo(new Keyword("timed-out"));
        assertThat(read("\"a\\\"b\\n\\u0041\"")).isEqualTo("a\"b\nA");
        assertThat(read("foo/bar")).isEqualTo(new Edn.Symbol("foo/bar"));
    }

    @Test
    void readsCollectionsWithCommasCommentsAndTags() {
        assertThat(read("[1, 2 ; two\n 3]")).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(read("(1 (2))")).isEqualTo(List.of(1L, List.of(2L)));
        assertThat(read("#{:a :b}")).isEqualTo(Set.of(new Keyword("a"), new Keyword("b")));
        assertThat(read("{:a 1, \"b\" [nil]}")).isEqualTo(Map.of(new Keyword("a"), 1L, "b", java.util.Arrays.asList((Object) null)));
        assertThat(read("#jepsen.history.Op{:f :read}")).isEqualTo(Map.of(new Keyword("f"), new Keyword("read")));
        assertThat(read("[#_ 1 2]")).isEqualTo(List.of(2L));
    }

    @Test
    void errorsNameTheSourceAndLine() {
        assertThatThrownBy(() -> read("[1 2\n 3")).isInstanceOf(HistoryFormatException.class)
                .hasMessage("t.edn:2: expected ']' to close the collection opened on line 1");
        assertThatThrownBy(() -> read("{:a}")).hasMessageContaining("t.edn:1: map key :a has no value");
        assertThatThrownBy(() -> read("\n\n\"abc")).hasMessageContaining("t.edn:3: unterminated string");
        assertThatThrownBy(() -> read("12x")).hasMessageContaining("expected a number");
    }
}
