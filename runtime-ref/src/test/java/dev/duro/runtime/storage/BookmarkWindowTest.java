package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Point-in-time recovery reaches back exactly {@code retentionMillis}: the window's first instant
 * is still a valid time and names the state then (the last batch before it), one millisecond earlier
 * or any time in the future is not; the newest batch is a valid target. Bookmarks are 32 lower-case hex digits, nothing else.
 */
class BookmarkWindowTest {
    private static final long RETENTION = 1000;

    @Test
    void theWindowStartsExactlyRetentionAgoAndNamesTheStateThen() {
        Harness h = new Harness(StoreOptions.defaults(true).withRetentionMillis(RETENTION));
        ObjectStore s = h.open();
        long t0 = h.loop.wallMillis;
        s.put("v", 1L);
        h.commit(); // batch 1 at t0
        h.loop.wallMillis = t0 + 100;
        s.put("v", 2L);
        h.commit(); // batch 2 at t0 + 100
        h.loop.wallMillis = t0 + 2000;
        s.put("v", 3L);
        h.commit(); // batch 3 at t0 + 2000: batch 1 is older than the window now
        long windowStart = h.loop.wallMillis - RETENTION;
        String atStart = s.bookmarkForTime(windowStart);
        assertThat(Bookmarks.parse(atStart)).isEqualTo(new Bookmarks.Parsed(windowStart, 2));
        expect(ErrorCode.INVALID_BOOKMARK, () -> s.bookmarkForTime(windowStart - 1));
        expect(ErrorCode.INVALID_BOOKMARK, () -> s.restoreOnNextActivation(Bookmarks.format(windowStart - 1, 2)));
        expect(ErrorCode.INVALID_BOOKMARK, () -> s.restoreOnNextActivation(Bookmarks.format(h.loop.wallMillis + 1, 3)));
        assertThat(s.hasPendingWrites()).isFalse();

        s.restoreOnNextActivation(s.currentBookmark()); // the newest batch is a valid target...
        s.restoreOnNextActivation(atStart); // ...and the last request wins
        h.commit();
        assertThat(h.open().get("v")).isEqualTo(2L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000000000000000000000000000000A", "gggggggggggggggggggggggggggggggg", "000000000000000/0000000000000000",
            "000000000000000:0000000000000000", "000000000000000`0000000000000000", "000000000000000G0000000000000000",
            "0000000000000000000000000000000", "000000000000000000000000000000000"})
    void onlyThirtyTwoLowerCaseHexDigitsAreABookmark(String notABookmark) {
        expect(ErrorCode.INVALID_BOOKMARK, () -> Bookmarks.parse(notABookmark));
    }

    @Test
    void bookmarksRoundTripEveryHexDigit() {
        assertThat(Bookmarks.parse(Bookmarks.format(0x0123456789L, 0xabcdefL))).isEqualTo(new Bookmarks.Parsed(0x0123456789L, 0xabcdefL));
        assertThat(Bookmarks.parse(Bookmarks.format(0xfa9L, 0x90aL))).isEqualTo(new Bookmarks.Parsed(0xfa9L, 0x90aL));
    }
}
