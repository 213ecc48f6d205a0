package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.storage.ListOptions;
import dev.duro.model.storage.Storage;
import dev.duro.model.storage.StorageKeys;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KvTest {
    Harness h;
    ObjectStore s;

    @BeforeEach
    void open() {
        h = new Harness();
        s = h.open();
    }

    @Test
    void putGetDeleteRoundTripsEveryValueType() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("z", 1L);
        nested.put("a", List.of("x", 2.5));
        Object[] values = {null, true, 42L, 1.5, "text", new byte[] {1, 2}, List.of(1L, "a"), nested};
        for (int i = 0; i < values.length; i++) s.put("k" + i, values[i]);
        assertThat(s.get("k0")).isNull();
        assertThat(s.list()).containsKey("k0"); // a stored null is present, unlike a missing key
        assertThat(s.get("k1")).isEqualTo(true);
        assertThat(s.get("k2")).isEqualTo(42L);
        assertThat(s.get("k2", Integer.class)).isEqualTo(42);
        assertThat(s.get("k4")).isEqualTo("text");
        assertThat((byte[]) s.get("k5")).containsExactly(1, 2);
        assertThat(s.get("k7")).isEqualTo(nested);
        assertThat(s.delete("k4")).isTrue();
        assertThat(s.delete("k4")).isFalse();
        assertThat(s.get("k4")).isNull();
        assertThat(s.get("missing")).isNull();
        assertThat(h.writes).containsOnly("put", "delete").hasSize(values.length + 1);
    }

    @Test
    void emptyKeyIsAllowed() {
        s.put("", "empty");
        assertThat(s.get("")).isEqualTo("empty");
        assertThat(s.list().firstKey()).isEmpty();
    }

    @Test
    void multiGetPutDelete() {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < 128; i++) m.put("k" + i, (long) i);
        s.put(m);
        assertThat(s.get(List.of("k1", "k0", "nope"))).containsExactly(Map.entry("k0", 0L), Map.entry("k1", 1L));
        assertThat(s.delete(List.of("k1", "k2", "nope"))).isEqualTo(2);
        assertThat(s.list()).hasSize(126);
    }

    @Test
    void listHonoursEveryOptionInUtf8ByteOrder() {
        // U+FFFD sorts before U+1F600 in UTF-8 but after it in UTF-16 (String.compareTo).
        List<String> keys = List.of("", "a", "a\u0000", "ab", "abc", "b", "\uFFFD", "\uD83D\uDE00", "ba", "c");
        TreeMap<String, Object> model = new TreeMap<>(StorageKeys.ORDER);
        for (String k : keys) {
            s.put(k, k);
            model.put(k, k);
        }
        assertThat(new ArrayList<>(s.list().keySet())).isEqualTo(new ArrayList<>(model.keySet()));
        assertThat(new ArrayList<>(s.list().keySet()).indexOf("\uFFFD")).isLessThan(new ArrayList<>(s.list().keySet()).indexOf("\uD83D\uDE00"));
        List<String> bounds = List.of("", "a", "ab", "b", "bz", "\uFFFD", "\uD83D\uDE00", "zz");
        for (String start : bounds) {
            for (String end : bounds) {
                for (boolean after : new boolean[] {false, true}) {
                    for (String prefix : new String[] {null, "a", "b", "\uD83D"}) {
                        if (prefix != null && prefix.equals("\uD83D")) continue;
                        for (boolean reverse : new boolean[] {false, true}) {
                            for (int limit : new int[] {0, 1, 3}) {
                                ListOptions o = new ListOptions(after ? null : start, after ? start : null, end, prefix, reverse, limit);
                                assertThat(new ArrayList<>(s.list(o).keySet())).as(o.toString()).isEqualTo(expected(model, o));
                            }
                        }
                    }
                }
            }
        }
    }

    private static List<String> expected(TreeMap<String, Object> model, ListOptions o) {
        List<String> out = new ArrayList<>();
        for (String k : model.keySet()) {
            if (o.start() != null && StorageKeys.ORDER.compare(k, o.start()) < 0) continue;
            if (o.startAfter() != null && StorageKeys.ORDER.compare(k, o.startAfter()) <= 0) continue;
            if (o.end() != null && StorageKeys.ORDER.compare(k, o.end()) >= 0) continue;
            if (o.prefix() != null && !k.startsWith(o.prefix())) continue;
            out.add(k);
        }
        if (o.reverse()) java.util.Collections.reverse(out);
        return o.limit() == 0 ? out : out.subList(0, Math.min(o.limit(), out.size()));
    }

    @Test
    void prefixEndSkipsTrailingFF() {
        assertThat(ObjectStore.prefixEnd(new byte[] {1, (byte) 0xff})).containsExactly(2);
        assertThat(ObjectStore.prefixEnd(new byte[] {(byte) 0xff})).isNull();
    }

    @Test
    void limitsAreCheckedBeforeAnythingIsWritten() {
        s.put("keep", 1L);
        byte[] before = s.imageForTest();
        List<Mutation> pendingBefore = s.pendingForTest();
        int writesBefore = h.writes.size();
        String bigKey = "k".repeat(Storage.MAX_KEY_BYTES + 1);
        String okKey = "é".repeat(Storage.MAX_KEY_BYTES / 2); // exactly 2 KiB of UTF-8
        byte[] bigValue = new byte[Storage.MAX_VALUE_BYTES];
        Map<String, Object> withBigKey = new TreeMap<>(Map.of("a", 1L, bigKey, 2L));
        Map<String, Object> withBigValue = new TreeMap<>(Map.of("a", 1L, "b", bigValue));
        Map<String, Object> tooMany = new HashMap<>();
        for (int i = 0; i < 129; i++) tooMany.put("m" + i, 1L);
        List<String> tooManyKeys = new ArrayList<>(tooMany.keySet());
        Map<String, Object> withBadValue = new TreeMap<>(Map.of("a", 1L, "b", new Object()));

        expect(ErrorCode.KEY_TOO_LARGE, () -> s.put(bigKey, 1L));
        expect(ErrorCode.KEY_TOO_LARGE, () -> s.get(bigKey));
        expect(ErrorCode.KEY_TOO_LARGE, () -> s.put(withBigKey));
        expect(ErrorCode.KEY_TOO_LARGE, () -> s.delete(List.of("keep", bigKey)));
        expect(ErrorCode.VALUE_TOO_LARGE, () -> s.put("v", bigValue));
        expect(ErrorCode.VALUE_TOO_LARGE, () -> s.put(withBigValue));
        expect(ErrorCode.TOO_MANY_KEYS, () -> s.put(tooMany));
        expect(ErrorCode.TOO_MANY_KEYS, () -> s.get(tooManyKeys));
        expect(ErrorCode.TOO_MANY_KEYS, () -> s.delete(tooManyKeys));
        expect(ErrorCode.UNSUPPORTED_VALUE, () -> s.put(withBadValue));
        expect(ErrorCode.UNSUPPORTED_VALUE, () -> s.put("x", new Object()));
        expect(ErrorCode.UNSUPPORTED_VALUE, () -> s.put("\uD800", 1L));

        assertThat(s.imageForTest()).isEqualTo(before);
        assertThat(s.pendingForTest()).isEqualTo(pendingBefore);
        assertThat(h.writes).hasSize(writesBefore);
        assertThat(s.list()).containsOnlyKeys("keep");
        s.put(okKey, 1L); // the boundary itself is fine
        assertThat(s.get(okKey)).isEqualTo(1L);
    }

    @Test
    void alarmNeedsAHandlerAndIsReported() {
        s.setAlarm(5000);
        assertThat(s.getAlarm()).contains(5000L);
        s.deleteAlarm();
        assertThat(s.getAlarm()).isEmpty();
        assertThat(h.alarmChanges).containsExactly(java.util.Optional.of(5000L), java.util.Optional.empty());
        assertThat(h.writes).containsExactly("set-alarm", "delete-alarm");

        Harness noAlarms = new Harness(StoreOptions.defaults(false));
        ObjectStore n = noAlarms.open();
        expect(ErrorCode.NO_ALARM_HANDLER, () -> n.setAlarm(1));
        assertThat(n.hasPendingWrites()).isFalse();
    }

    static void expect(ErrorCode code, Runnable r) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(DuroException.class, e -> assertThat(e.code()).as(e.getMessage()).isEqualTo(code));
    }
}
