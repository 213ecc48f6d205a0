package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

/**
 * Bookmark strings: 16 lower-case hex digits of the wall time in ms, then 16 of the batch
 * sequence number. They sort as strings by time, then by batch; the state a bookmark names is the
 * state right after batch {@code seq}.
 */
final class Bookmarks {
    record Parsed(long wallMillis, long seq) {
    }

    private Bookmarks() {
    }

    static String format(long wallMillis, long seq) {
        return String.format("%016x%016x", wallMillis, seq);
    }

    static Parsed parse(String bookmark) {
        if (bookmark == null || bookmark.length() != 32 || !bookmark.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new DuroException(ErrorCode.INVALID_BOOKMARK, "'" + bookmark + "' is not a bookmark: use one returned by "
                    + "currentBookmark, bookmarkForTime or restoreOnNextActivation");
        }
        return new Parsed(Long.parseUnsignedLong(bookmark.substring(0, 16), 16), Long.parseUnsignedLong(bookmark.substring(16), 16));
    }
}
