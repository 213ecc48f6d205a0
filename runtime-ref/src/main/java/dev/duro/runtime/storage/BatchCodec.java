package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The log payload of one batch: {@code u8 version(=1), u32 count, count × mutation}, big-endian.
 * A mutation is a tag byte and its fields; {@code bytes} is {@code u32 length + bytes},
 * {@code text} is {@code bytes} of UTF-8:
 * <pre>
 *   1 KvPut          bytes key, bytes value
 *   2 KvDelete       bytes key
 *   3 Sql            text query, u32 n, n × bind (u8 type: 0 null | 1 i64 | 2 f64 bits | 3 text | 4 bytes)
 *   4 SetAlarm       i64 scheduledMillis
 *   5 DeleteAlarm
 *   6 DeleteAll
 *   7 RequestRestore i64 seq
 *   8 Restore        bytes image
 *   9 CancelRestore
 * </pre>
 * The log adds its own framing and checksums; a payload that does not decode is an INTERNAL error.
 */
final class BatchCodec {
    static final int VERSION = 1;

    private BatchCodec() {
    }

    static byte[] encode(List<Mutation> mutations) {
        Out out = new Out();
        out.u8(VERSION);
        out.u32(mutations.size());
        for (Mutation m : mutations) {
            switch (m) {
                case Mutation.KvPut p -> {
                    out.u8(1);
                    out.bytes(p.key());
                    out.bytes(p.value());
                }
                case Mutation.KvDelete d -> {
                    out.u8(2);
                    out.bytes(d.key());
                }
                case Mutation.Sql s -> {
                    out.u8(3);
                    out.bytes(s.query().getBytes(StandardCharsets.UTF_8));
                    out.u32(s.binds().size());
                    for (Object b : s.binds()) {
                        switch (b) {
                            case null -> out.u8(0);
                            case Long l -> {
                                out.u8(1);
                                out.i64(l);
                            }
                            case Double d -> {
                                out.u8(2);
                                out.i64(Double.doubleToRawLongBits(d));
                            }
                            case String str -> {
                                out.u8(3);
                                out.bytes(str.getBytes(StandardCharsets.UTF_8));
                            }
                            case byte[] bytes -> {
                                out.u8(4);
                                out.bytes(bytes);
                            }
                            default -> throw new IllegalArgumentException("bind not normalized: " + b.getClass());
                        }
                    }
                }
                case Mutation.SetAlarm a -> {
                    out.u8(4);
                    out.i64(a.scheduledMillis());
                }
                case Mutation.DeleteAlarm ignored -> out.u8(5);
                case Mutation.DeleteAll ignored -> out.u8(6);
                case Mutation.RequestRestore r -> {
                    out.u8(7);
                    out.i64(r.seq());
                }
                case Mutation.Restore r -> {
                    out.u8(8);
                    out.bytes(r.image());
                }
                case Mutation.CancelRestore ignored -> out.u8(9);
            }
        }
        return out.toByteArray();
    }

    static List<Mutation> decode(byte[] payload) {
        ByteBuffer in = ByteBuffer.wrap(payload);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) throw corrupt("unknown batch version " + version);
            int n = count(in);
            List<Mutation> out = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                int tag = in.get() & 0xff;
                out.add(switch (tag) {
                    case 1 -> new Mutation.KvPut(bytes(in), bytes(in));
                    case 2 -> new Mutation.KvDelete(bytes(in));
                    case 3 -> {
                        String q = new String(bytes(in), StandardCharsets.UTF_8);
                        int nb = count(in);
                        List<Object> binds = new ArrayList<>(nb);
                        for (int j = 0; j < nb; j++) {
                            int type = in.get() & 0xff;
                            binds.add(switch (type) {
                                case 0 -> null;
                                case 1 -> in.getLong();
                                case 2 -> Double.longBitsToDouble(in.getLong());
                                case 3 -> new String(bytes(in), StandardCharsets.UTF_8);
                                case 4 -> bytes(in);
                                default -> throw corrupt("unknown bind type " + type);
                            });
                        }
                        yield new Mutation.Sql(q, Collections.unmodifiableList(binds));
                    }
                    case 4 -> new Mutation.SetAlarm(in.getLong());
                    case 5 -> new Mutation.DeleteAlarm();
                    case 6 -> new Mutation.DeleteAll();
                    case 7 -> new Mutation.RequestRestore(in.getLong());
                    case 8 -> new Mutation.Restore(bytes(in));
                    case 9 -> new Mutation.CancelRestore();
                    default -> throw corrupt("unknown mutation tag " + tag);
                });
            }
            if (in.hasRemaining()) throw corrupt(in.remaining() + " trailing bytes");
            return out;
        } catch (BufferUnderflowException e) {
            throw corrupt("truncated");
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
        return new DuroException(ErrorCode.INTERNAL, "log batch does not decode: " + what);
    }

    private static final class Out extends ByteArrayOutputStream {
        void u8(int v) {
            write(v);
        }

        void u32(int v) {
            for (int s = 24; s >= 0; s -= 8) write(v >>> s);
        }

        void i64(long v) {
            for (int s = 56; s >= 0; s -= 8) write((int) (v >>> s));
        }

        void bytes(byte[] b) {
            u32(b.length);
            writeBytes(b);
        }
    }
}
