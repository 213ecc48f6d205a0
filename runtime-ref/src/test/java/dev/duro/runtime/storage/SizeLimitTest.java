package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.SqlStorage;
import dev.duro.model.storage.Storage;
import dev.duro.model.storage.StoredValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static dev.duro.runtime.storage.KvTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database never grows past {@code sizeLimitBytes}: the write that would cross it fails whole
 * (SIZE_LIMIT, nothing written), a write that lands exactly on it is fine, and reads keep working
 * even when the database is already over its limit (the limit was lowered).
 */
class SizeLimitTest {
    /** Reopens {@code h}'s store with the limit set to its current size plus {@code headroom}. */
    private static ObjectStore reopenWithHeadroom(Harness h, long headroom) {
        h.options = h.options.withSizeLimitBytes(h.store.sql().databaseSize() + headroom);
        return h.open();
    }

    private static long pageSize(SqlStorage sql) {
        return sql.exec("PRAGMA page_size").one().getLong("page_size");
    }

    /**
     * Limits one byte short of a page multiple, so a page more than fits is always too many. Under
     * 64 pages every write near the limit is checked; with 1 MiB, writes far from it are not, and
     * the size bound they keep must still stop them in time.
     */
    @ParameterizedTest
    @CsvSource({"65535, 100", "1048575, 1000"})
    void smallWritesFillTheDatabaseWithoutEverPassingItsLimit(long limit, int valueBytes) {
        Harness h = new Harness(StoreOptions.defaults(true).withSizeLimitBytes(limit));
        ObjectStore s = h.open();
        DuroException refused = null;
        for (int i = 0; i < 10_000 && refused == null; i++) {
            try {
                s.put("key" + i, "v".repeat(valueBytes));
            } catch (DuroException e) {
                refused = e;
            }
            assertThat(s.sql().databaseSize()).as("size after put " + i).isLessThanOrEqualTo(limit);
        }
        assertThat(refused).isNotNull();
        assertThat(refused.code()).isEqualTo(ErrorCode.SIZE_LIMIT);
    }

    @Test
    void aWriteThatFillsTheDatabaseExactlyToItsLimitIsAccepted() {
        Harness h = new Harness();
        h.open().put("k", "v");
        h.commit();
        long page = pageSize(h.store.sql());
        long limit = h.store.sql().databaseSize() + page;
        SqlStorage sql = reopenWithHeadroom(h, page).sql();
        sql.exec("CREATE TABLE t(a)"); // one root page: exactly the limit
        assertThat(sql.databaseSize()).isEqualTo(limit);
        h.assertRefused(ErrorCode.SIZE_LIMIT, "CREATE TABLE u(a)");
    }

    @Test
    void readsKeepWorkingWhenTheDatabaseIsOverItsLimit() {
        Harness h = new Harness();
        SqlStorage before = h.open().sql();
        before.exec("CREATE TABLE t(a)");
        before.exec("INSERT INTO t VALUES (1)");
        h.commit();
        long size = before.databaseSize();
        SqlStorage sql = reopenWithHeadroom(h, -size / 2).sql();
        assertThat(sql.exec("SELECT a FROM t").raw()).containsExactly(List.of(1L));
        assertThat(sql.exec("VALUES (2)").raw()).containsExactly(List.of(2L));
        assertThat(sql.exec("PRAGMA page_count").one().getLong("page_count") * pageSize(sql)).isEqualTo(size);
        assertThat(h.store.get("missing")).isNull();
        h.assertRefused(ErrorCode.SIZE_LIMIT, "INSERT INTO t VALUES (2)");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aLargeValueThatWouldCrossTheLimitIsRefusedWhole(boolean asMap) {
        Harness h = new Harness();
        h.open().put("k", "v");
        h.commit();
        ObjectStore s = reopenWithHeadroom(h, 512 * 1024);
        byte[] big = new byte[1024 * 1024]; // far more than the 64 pages of slack small writes get
        byte[] image = s.imageForTest();
        int writes = h.writes.size();
        expect(ErrorCode.SIZE_LIMIT, () -> {
            if (asMap) s.put(Map.of("big", big));
            else s.put("big", big);
        });
        assertThat(s.imageForTest()).isEqualTo(image);
        assertThat(s.pendingForTest()).isEmpty();
        assertThat(h.writes).hasSize(writes);
    }

    @Test
    void aValueEncodingToExactlyMaxValueBytesIsAccepted() {
        int n = Storage.MAX_VALUE_BYTES;
        while (StoredValues.encode(new byte[n]).length > Storage.MAX_VALUE_BYTES) n--;
        assertThat(StoredValues.encode(new byte[n + 1])).hasSize(Storage.MAX_VALUE_BYTES + 1);
        Harness h = new Harness();
        ObjectStore s = h.open();
        s.put("max", new byte[n]);
        assertThat((byte[]) s.get("max")).hasSize(n);
        int over = n + 1;
        expect(ErrorCode.VALUE_TOO_LARGE, () -> s.put("over", new byte[over]));
    }
}
