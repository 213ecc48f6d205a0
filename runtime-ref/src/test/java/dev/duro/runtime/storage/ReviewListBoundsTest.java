package dev.duro.runtime.storage;

import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.ListOptions;
import org.junit.jupiter.api.Test;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/** A list bound with an unpaired surrogate has no UTF-8 form; String.getBytes turned it into '?' and listed the wrong keys. */
class ReviewListBoundsTest {
    @Test
    void unpairedSurrogateInABoundIsRefused() {
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("?x", "q");
        s.put("a", "b");
        expect(ErrorCode.UNSUPPORTED_VALUE, () -> s.list(ListOptions.prefix("\uD800")));
        expect(ErrorCode.UNSUPPORTED_VALUE, () -> s.list(ListOptions.all().withStart("\uDC00")));
        expect(ErrorCode.UNSUPPORTED_VALUE, () -> s.list(ListOptions.all().withStartAfter("x\uD800")));
        expect(ErrorCode.UNSUPPORTED_VALUE, () -> s.list(ListOptions.all().withEnd("\uD800")));
        // Valid surrogate pairs and bounds longer than a key are fine.
        assertThat(s.list(ListOptions.prefix("\uD83D\uDE00"))).isEmpty();
        assertThat(s.list(ListOptions.all().withEnd("b".repeat(5000))).keySet()).containsExactly("?x", "a");
    }
}
