package dev.duro.model.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.TreeMap;

/**
 * The value codec of the KV API and of WebSocket attachments: a tagged binary encoding that is a
 * pure function of the value, so a replayed log rebuilds byte-identical state.
 *
 * <p>Supported: {@code null}, {@link Boolean}, {@link Long} (and {@link Integer}, {@link Short},
 * {@link Byte}, stored as Long), {@link Double} (and {@link Float}), {@link String}, {@code byte[]},
 * {@link List} of supported values, and {@link Map} with String keys. A {@link SequencedMap} keeps
 * its order; any other map is written sorted by {@link StorageKeys#ORDER}, so a {@code HashMap}
 * encodes the same way every time. Anything else fails with {@link ErrorCode#UNSUPPORTED_VALUE}.
 *
 * <p>Format: one tag byte, then 0 null, 1 false, 2 true, 3 long (8 bytes big-endian), 4 double
 * (8 bytes IEEE 754 bits), 5 string (u32 length + UTF-8), 6 bytes (u32 length + bytes), 7 list
 * (u32 count + values), 8 map (u32 count + (string, value) pairs).
 */
public final class StoredValues {
    private static final int MAX_DEPTH = 64;

    private StoredValues() {
    }

    public static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, value, 0);
        return out.toByteArray();
    }

    public static Object decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        Object v = read(in, 0);
        if (in.hasRemaining()) throw corrupt(in.remaining() + " trailing bytes after the value");
        return v;
    }

    /**
     * Decodes as {@code type}. Numbers convert between Long/Integer/Double when exact; a List or
     * Map decodes to an unmodifiable {@link List} / {@link SequencedMap}.
     */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        return convert(decode(bytes), type);
    }

    @SuppressWarnings("unchecked")
    public static <T> T convert(Object v, Class<T> type) {
        if (v == null || type.isInstance(v)) return (T) v;
        if (v instanceof Long l) {
            if (type == Integer.class && l == (int) (long) l) return (T) Integer.valueOf((int) (long) l);
            if (type == Double.class) return (T) Double.valueOf(l);
        }
        if (v instanceof Double d && type == Long.class && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
            return (T) Long.valueOf(d.longValue());
        }
        throw new DuroException(ErrorCode.UNSUPPORTED_VALUE,
                "stored value is a " + typeName(v) + ", not a " + type.getSimpleName());
    }

    private static void write(ByteArrayOutputStream out, Object v, int depth) {
        if (depth > MAX_DEPTH) {
            throw new DuroException(ErrorCode.UNSUPPORTED_VALUE, "value nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (v) {
            case null -> out.write(0);
            case Boolean b -> out.write(b ? 2 : 1);
            case Long l -> writeLong(out, 3, l);
            case Integer i -> writeLong(out, 3, i);
            case Short s -> writeLong(out, 3, s);
            case Byte b -> writeLong(out, 3, b);
            case Double d -> writeLong(out, 4, Double.doubleToRawLongBits(d));
            case Float f -> writeLong(out, 4, Double.doubleToRawLongBits(f));
            case String s -> writeBytes(out, 5, s.getBytes(StandardCharsets.UTF_8));
            case byte[] b -> writeBytes(out, 6, b);
            case List<?> list -> {
                writeInt(out, 7, list.size());
                for (Object e : list) write(out, e, depth + 1);
            }
            case Map<?, ?> map -> {
                writeInt(out, 8, map.size());
                Iterable<? extends Map.Entry<?, ?>> entries = map instanceof SequencedMap<?, ?> ? map.entrySet() : sorted(map);
                for (Map.Entry<?, ?> e : entries) {
                    if (!(e.getKey() instanceof String k)) {
                        throw new DuroException(ErrorCode.UNSUPPORTED_VALUE,
                                "map keys must be strings, found a " + typeName(e.getKey()));
                    }
                    byte[] kb = k.getBytes(StandardCharsets.UTF_8);
                    writeInt(out, -1, kb.length);
                    out.writeBytes(kb);
                    write(out, e.getValue(), depth + 1);
                }
            }
            default -> throw new DuroException(ErrorCode.UNSUPPORTED_VALUE, "cannot store a " + typeName(v)
                    + ": store null, Boolean, Long, Integer, Double, String, byte[], List or Map<String, ?> "
                    + "(or encode it yourself to byte[])");
        }
    }

    private static Iterable<? extends Map.Entry<?, ?>> sorted(Map<?, ?> map) {
        TreeMap<String, Object> t = new TreeMap<>(StorageKeys.ORDER);
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw new DuroException(ErrorCode.UNSUPPORTED_VALUE, "map keys must be strings, found a " + typeName(e.getKey()));
            }
            t.put(k, e.getValue());
        }
        return t.entrySet();
    }

    private static void writeLong(ByteArrayOutputStream out, int tag, long v) {
        out.write(tag);
        for (int s = 56; s >= 0; s -= 8) out.write((int) (v >>> s));
    }

    private static void writeInt(ByteArrayOutputStream out, int tag, int v) {
        if (tag >= 0) out.write(tag);
        for (int s = 24; s >= 0; s -= 8) out.write(v >>> s);
    }

    private static void writeBytes(ByteArrayOutputStream out, int tag, byte[] b) {
        writeInt(out, tag, b.length);
        out.writeBytes(b);
    }

    private static Object read(ByteBuffer in, int depth) {
        if (depth > MAX_DEPTH) throw corrupt("nesting deeper than " + MAX_DEPTH);
        if (!in.hasRemaining()) throw corrupt("value truncated");
        int tag = in.get();
        try {
            return switch (tag) {
                case 0 -> null;
                case 1 -> Boolean.FALSE;
                case 2 -> Boolean.TRUE;
                case 3 -> in.getLong();
                case 4 -> Double.longBitsToDouble(in.getLong());
                case 5 -> new String(bytes(in), StandardCharsets.UTF_8);
                case 6 -> bytes(in);
                case 7 -> {
                    int n = count(in);
                    List<Object> list = new ArrayList<>(Math.min(n, 1024));
                    for (int i = 0; i < n; i++) list.add(read(in, depth + 1));
                    yield Collections.unmodifiableList(list);
                }
                case 8 -> {
                    int n = count(in);
                    SequencedMap<String, Object> map = new LinkedHashMap<>();
                    for (int i = 0; i < n; i++) {
                        String k = new String(bytes(in), StandardCharsets.UTF_8);
                        map.put(k, read(in, depth + 1));
                    }
                    yield Collections.unmodifiableSequencedMap(map);
                }
                default -> throw corrupt("unknown tag " + tag);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw corrupt("value truncated");
        }
    }

    private static int count(ByteBuffer in) {
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) throw corrupt("bad length " + n);
        return n;
    }

    private static byte[] bytes(ByteBuffer in) {
        byte[] b = new byte[count(in)];
        in.get(b);
        return b;
    }

    private static DuroException corrupt(String what) {
        return new DuroException(ErrorCode.INTERNAL, "stored value is corrupt: " + what);
    }

    private static String typeName(Object v) {
        return v == null ? "null" : v.getClass().getName();
    }
}
