package dev.duro.runtime.log;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every boundary character of {@link LogLayout}'s character classes (PIT survivors,
 * docs/mutation.md): each ASCII character is checked against the rule written out here, so a
 * shifted range end ('a' vs '`', '9' vs ':') shows.
 */
class LogLayoutBoundaryTest {
    private static final String DIGITS_20 = "00000000000000000042";

    private static boolean plainInNamespace(char c) {
        return "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".indexOf(c) >= 0;
    }

    @Test
    void everyAsciiCharacterIsKeptOrEscapedByTheRule() {
        for (char c = 0; c < 128; c++) {
            String expected = plainInNamespace(c) ? String.valueOf(c) : String.format("%%%02X", (int) c);
            assertThat(LogLayout.escapeNamespace("x" + c + "y")).as("character %d", (int) c).isEqualTo("x" + expected + "y");
        }
        assertThat(LogLayout.escapeNamespace("\u00ff")).isEqualTo("%C3%BF");
    }

    @Test
    void anEscapedNameOfExactlyTheLimitIsAcceptedAndOneMoreIsNot() {
        String atLimit = "a".repeat(LogLayout.MAX_ESCAPED_NAMESPACE_BYTES);
        assertThat(LogLayout.escapeNamespace(atLimit)).isEqualTo(atLimit);
        assertThatThrownBy(() -> LogLayout.escapeNamespace(atLimit + "b"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("201 bytes");
        // The limit counts escaped bytes: 66 escapes (198) + 2 plain = 200 fits, one more plain does not.
        String escaped = ".".repeat(66) + "ab";
        assertThat(LogLayout.escapeNamespace(escaped)).hasSize(LogLayout.MAX_ESCAPED_NAMESPACE_BYTES);
        assertThatThrownBy(() -> LogLayout.escapeNamespace(escaped + "c")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LogLayout.escapeNamespace(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHexIdIsExactly64LowerCaseHexDigits() {
        String ok = "0123456789abcdef".repeat(4);
        assertThat(LogLayout.isHexId(ok)).isTrue();
        assertThat(LogLayout.isHexId(ok.substring(1))).as("63").isFalse();
        assertThat(LogLayout.isHexId(ok + "0")).as("65").isFalse();
        assertThat(LogLayout.isHexId("")).isFalse();
        for (char c = 0; c < 128; c++) {
            boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            for (int at : new int[] {0, 31, 63}) {
                String name = ok.substring(0, at) + c + ok.substring(at + 1);
                assertThat(LogLayout.isHexId(name)).as("character %d at %d", (int) c, at).isEqualTo(hex);
            }
        }
    }

    @Test
    void segmentAndSnapshotNamesRoundTripAndNothingElseParses() {
        assertThat(LogLayout.segmentSeq(LogLayout.segmentName(42))).contains(42L);
        assertThat(LogLayout.snapshotSeq(LogLayout.snapshotName(0))).contains(0L);
        assertThat(LogLayout.segmentSeq(LogLayout.segmentName(Long.MAX_VALUE))).contains(Long.MAX_VALUE);
        assertThat(LogLayout.segmentSeq("seg-" + DIGITS_20)).contains(42L);
        assertThat(LogLayout.snapshotSeq("seg-" + DIGITS_20)).isEmpty();
        assertThat(LogLayout.segmentSeq("snap-" + DIGITS_20)).isEmpty();
        assertThat(LogLayout.segmentSeq("seg-" + DIGITS_20.substring(1))).as("19 digits").isEmpty();
        assertThat(LogLayout.segmentSeq("seg-" + DIGITS_20 + "0")).as("21 digits").isEmpty();
        assertThat(LogLayout.segmentSeq("seg-" + DIGITS_20 + ".tmp")).isEmpty();
        assertThat(LogLayout.segmentSeq("seg-99999999999999999999")).as("past Long.MAX_VALUE").isEmpty();
        for (char c = 0; c < 128; c++) {
            boolean digit = c >= '0' && c <= '9';
            for (int at : new int[] {1, 19}) { // not 0: a 1 there is past Long.MAX_VALUE
                String digits = DIGITS_20.substring(0, at) + c + DIGITS_20.substring(at + 1);
                Optional<Long> parsed = LogLayout.segmentSeq("seg-" + digits);
                assertThat(parsed.isPresent()).as("character %d at %d", (int) c, at).isEqualTo(digit);
            }
        }
        assertThat(LogLayout.segmentSeq("seg-+0000000000000000042")).as("a sign Long.parseLong would take").isEmpty();
    }

    @Test
    void parentIsEverythingBeforeTheLastSlash() {
        assertThat(LogLayout.parent("objects/ns/abc")).isEqualTo("objects/ns");
        assertThat(LogLayout.parent("objects")).isEmpty();
        assertThat(LogLayout.parent("a/")).isEqualTo("a");
        assertThat(LogLayout.parent("/a")).isEmpty();
        assertThat(LogLayout.objectDir("r/x", "N", LogRig.ID)).isEqualTo("r/x/N/" + LogRig.ID.hex());
        assertThat(LogLayout.namespaceDir("N")).isEqualTo("objects/N");
    }
}
