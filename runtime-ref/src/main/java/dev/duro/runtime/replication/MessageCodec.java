package dev.duro.runtime.replication;

import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Append;
import dev.duro.runtime.replication.Message.Appended;
import dev.duro.runtime.replication.Message.AskPromise;
import dev.duro.runtime.replication.Message.Behind;
import dev.duro.runtime.replication.Message.Fenced;
import dev.duro.runtime.replication.Message.Fetch;
import dev.duro.runtime.replication.Message.Fetched;
import dev.duro.runtime.replication.Message.Install;
import dev.duro.runtime.replication.Message.Installed;
import dev.duro.runtime.replication.Message.LeaseOk;
import dev.duro.runtime.replication.Message.NeedInstall;
import dev.duro.runtime.replication.Message.Prepare;
import dev.duro.runtime.replication.Message.PromiseIs;
import dev.duro.runtime.replication.Message.Promised;
import dev.duro.runtime.replication.Message.PushSnapshot;
import dev.duro.runtime.replication.Message.Reason;
import dev.duro.runtime.replication.Message.RecoverAt;
import dev.duro.runtime.replication.Message.RecoverAtFailed;
import dev.duro.runtime.replication.Message.RecoveredAt;
import dev.duro.runtime.replication.Message.Rejected;
import dev.duro.runtime.replication.Message.Release;
import dev.duro.runtime.replication.Message.Renew;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.runtime.replication.Message.SnapshotAck;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The binary form of {@link Message}s. Big-endian: the family byte {@link Replication#FAMILY},
 * {@link #VERSION}, a type tag, the route (handle, request id, namespace, the 32 id bytes), the
 * epoch, the type's fields, and last a CRC32C of every byte before it. The checksum is what makes a
 * frame corrupted on the way (or by a disk-less bit flip in a buffer) a rejected frame instead of a
 * wrong batch on a replica. Limits: a frame of at most {@link #MAX_FRAME_BYTES}, a namespace of at
 * most {@link #MAX_NAMESPACE_BYTES}, a text of at most {@link #MAX_TEXT_BYTES}; counts are checked
 * against the bytes left before anything is allocated.
 *
 * <p>{@link #decode} throws only {@link MalformedMessageException}, whatever the input.
 */
public final class MessageCodec {
    /**
     * 2: {@code Install} carries the adopted epoch and last batch. 3: {@code AskPromise} (type 64)
     * and {@code PromiseIs} (type 65, the promised epoch after the common fields), the recovery of a
     * replica that lost its promise: a version-2 node would drop them and leave such replicas stuck.
     */
    public static final byte VERSION = 3;
    /** No frame is longer (a snapshot image and its batches travel in one frame). */
    public static final int MAX_FRAME_BYTES = 128 << 20;
    public static final int MAX_NAMESPACE_BYTES = 1024;
    public static final int MAX_TEXT_BYTES = 4096;
    private static final int CRC_BYTES = 4;
    /** Bytes of an encoded batch or mark without its payload: the smallest an element of a counted list can be. */
    private static final int MIN_ENTRY_BYTES = 8 + 8 + 4;
    private static final int MIN_MARK_BYTES = 8 + 8;

    // Type tags: requests 1..31, replies 32..
    static final int PREPARE = 1;
    static final int FETCH = 2;
    static final int INSTALL = 3;
    static final int APPEND = 4;
    static final int PUSH_SNAPSHOT = 5;
    static final int RENEW = 6;
    static final int RELEASE = 7;
    static final int RECOVER_AT = 8;
    static final int PROMISED = 32;
    static final int REJECTED = 33;
    static final int FETCHED = 34;
    static final int INSTALLED = 35;
    static final int APPENDED = 36;
    static final int NEED_INSTALL = 37;
    static final int BEHIND = 38;
    static final int FENCED = 39;
    static final int SNAPSHOT_ACK = 40;
    static final int LEASE_OK = 41;
    static final int RECOVERED_AT = 42;
    static final int RECOVER_AT_FAILED = 43;
    static final int ASK_PROMISE = 64;
    static final int PROMISE_IS = 65;

    private MessageCodec() {
    }

    /**
     * The frame for {@code message}.
     *
     * @throws MalformedMessageException when the message breaks a size limit (the message says which)
     */
    public static byte[] encode(Message message) {
        Writer w = new Writer();
        w.u8(Replication.FAMILY);
        w.u8(VERSION);
        w.u8(tag(message));
        w.route(message.route());
        w.epoch(message.epoch());
        switch (message) {
            case Prepare m -> { }
            case Fetch m -> { }
            case Install m -> {
                w.bool(m.reset());
                w.epoch(m.adopted());
                w.i64(m.adoptedSeq());
                w.snapshot(m.snapshot());
                w.entries(m.entries());
            }
            case Append m -> w.entries(m.entries());
            case PushSnapshot m -> w.snapshot(Optional.of(m.snapshot()));
            case Renew m -> { }
            case Release m -> { }
            case RecoverAt m -> w.i64(m.seq());
            case Promised m -> {
                w.epoch(m.logEpoch());
                w.i64(m.lastSeq());
                w.i64(m.snapshotSeq());
            }
            case Rejected m -> {
                w.u8(m.reason().ordinal());
                w.epoch(m.promised());
                w.i64(m.retryAfterMillis());
            }
            case Fetched m -> {
                w.epoch(m.logEpoch());
                w.snapshot(m.snapshot());
                w.entries(m.entries());
            }
            case Installed m -> {
                w.i64(m.lastSeq());
                w.i64(m.snapshotSeq());
            }
            case Appended m -> w.i64(m.lastSeq());
            case NeedInstall m -> w.i64(m.lastSeq());
            case Behind m -> w.i64(m.lastSeq());
            case Fenced m -> w.epoch(m.promised());
            case SnapshotAck m -> w.i64(m.seq());
            case LeaseOk m -> { }
            case RecoveredAt m -> {
                w.snapshot(m.recovery().snapshot());
                w.entries(m.recovery().entries());
                w.u32(m.recovery().retained().size());
                for (Recovery.Mark mark : m.recovery().retained()) {
                    w.i64(mark.seq());
                    w.i64(mark.wallMillis());
                }
            }
            case RecoverAtFailed m -> w.text(m.why());
            case AskPromise m -> { }
            case PromiseIs m -> w.epoch(m.promised());
        }
        return w.finish();
    }

    /**
     * The message in {@code frame}.
     *
     * @throws MalformedMessageException for anything that is not exactly one valid frame
     */
    public static Message decode(byte[] frame) {
        if (frame == null) throw new MalformedMessageException("no frame (null)");
        if (frame.length > MAX_FRAME_BYTES) {
            throw new MalformedMessageException("frame is " + frame.length + " bytes; at most " + MAX_FRAME_BYTES + " are accepted");
        }
        if (frame.length < 3 + CRC_BYTES) throw new MalformedMessageException("frame of " + frame.length + " bytes is too short");
        if (frame[0] != Replication.FAMILY) {
            throw new MalformedMessageException(String.format(Locale.ROOT,
                    "family byte 0x%02x is not the replication protocol (0x%02x)", frame[0], Replication.FAMILY));
        }
        if (frame[1] != VERSION) {
            throw new MalformedMessageException("protocol version " + frame[1] + " is not supported; this node speaks " + VERSION);
        }
        CRC32C crc = new CRC32C();
        crc.update(frame, 0, frame.length - CRC_BYTES);
        int expected = ByteBuffer.wrap(frame, frame.length - CRC_BYTES, CRC_BYTES).getInt();
        if ((int) crc.getValue() != expected) throw new MalformedMessageException("checksum mismatch: the frame was corrupted");
        Reader r = new Reader(ByteBuffer.wrap(frame, 2, frame.length - 2 - CRC_BYTES).slice());
        int type = r.u8("message type");
        Message message;
        try {
            Route route = r.route();
            Epoch epoch = r.epoch("epoch");
            message = switch (type) {
                case PREPARE -> new Prepare(route, epoch);
                case FETCH -> new Fetch(route, epoch);
                case INSTALL -> {
                    boolean reset = r.bool("reset flag");
                    Epoch adopted = r.epoch("adopted epoch");
                    long adoptedSeq = r.i64("adopted seq");
                    yield new Install(route, epoch, r.snapshot(), r.entries(), reset, adopted, adoptedSeq);
                }
                case APPEND -> new Append(route, epoch, r.entries());
                case PUSH_SNAPSHOT -> new PushSnapshot(route, epoch, r.snapshot()
                        .orElseThrow(() -> new MalformedMessageException("a snapshot push without a snapshot")));
                case RENEW -> new Renew(route, epoch);
                case RELEASE -> new Release(route, epoch);
                case RECOVER_AT -> new RecoverAt(route, epoch, r.i64("seq"));
                case PROMISED -> new Promised(route, epoch, r.epoch("log epoch"), r.i64("last seq"), r.i64("snapshot seq"));
                case REJECTED -> new Rejected(route, epoch, r.reason(), r.epoch("promised epoch"), r.i64("retry after"));
                case FETCHED -> new Fetched(route, epoch, r.epoch("log epoch"), r.snapshot(), r.entries());
                case INSTALLED -> new Installed(route, epoch, r.i64("last seq"), r.i64("snapshot seq"));
                case APPENDED -> new Appended(route, epoch, r.i64("last seq"));
                case NEED_INSTALL -> new NeedInstall(route, epoch, r.i64("last seq"));
                case BEHIND -> new Behind(route, epoch, r.i64("last seq"));
                case FENCED -> new Fenced(route, epoch, r.epoch("promised epoch"));
                case SNAPSHOT_ACK -> new SnapshotAck(route, epoch, r.i64("snapshot seq"));
                case LEASE_OK -> new LeaseOk(route, epoch);
                case RECOVERED_AT -> {
                    Optional<Snapshot> snapshot = r.snapshot();
                    List<LogEntry> entries = r.entries();
                    yield new RecoveredAt(route, epoch, new Recovery(snapshot, entries, r.marks()));
                }
                case RECOVER_AT_FAILED -> new RecoverAtFailed(route, epoch, r.text("failure text"));
                case ASK_PROMISE -> new AskPromise(route, epoch);
                case PROMISE_IS -> new PromiseIs(route, epoch, r.epoch("promised epoch"));
                default -> throw new MalformedMessageException("unknown message type " + type);
            };
        } catch (IllegalArgumentException | IllegalStateException e) {
            // a record constructor rejected a decoded value (a negative seq, batches out of order, ...)
            throw new MalformedMessageException("invalid message of type " + type + ": " + e.getMessage());
        }
        if (r.remaining() != 0) throw new MalformedMessageException(r.remaining() + " trailing bytes after a message of type " + type);
        return message;
    }

    private static int tag(Message message) {
        return switch (message) {
            case Prepare m -> PREPARE;
            case Fetch m -> FETCH;
            case Install m -> INSTALL;
            case Append m -> APPEND;
            case PushSnapshot m -> PUSH_SNAPSHOT;
            case Renew m -> RENEW;
            case Release m -> RELEASE;
            case RecoverAt m -> RECOVER_AT;
            case Promised m -> PROMISED;
            case Rejected m -> REJECTED;
            case Fetched m -> FETCHED;
            case Installed m -> INSTALLED;
            case Appended m -> APPENDED;
            case NeedInstall m -> NEED_INSTALL;
            case Behind m -> BEHIND;
            case Fenced m -> FENCED;
            case SnapshotAck m -> SNAPSHOT_ACK;
            case LeaseOk m -> LEASE_OK;
            case RecoveredAt m -> RECOVERED_AT;
            case RecoverAtFailed m -> RECOVER_AT_FAILED;
            case AskPromise m -> ASK_PROMISE;
            case PromiseIs m -> PROMISE_IS;
        };
    }

    private static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        private final ByteBuffer scratch = ByteBuffer.allocate(8);

        void u8(int v) {
            out.write(v);
        }

        void bool(boolean v) {
            out.write(v ? 1 : 0);
        }

        void u32(int v) {
            scratch.clear();
            scratch.putInt(v);
            out.write(scratch.array(), 0, 4);
        }

        void i64(long v) {
            scratch.clear();
            scratch.putLong(v);
            out.write(scratch.array(), 0, 8);
        }

        void bytes(byte[] b) {
            checkRoom(b.length);
            u32(b.length);
            out.write(b, 0, b.length);
        }

        /** A diagnostic text; cut (never refused) when longer than {@link #MAX_TEXT_BYTES}. */
        void text(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            // A UTF-16 unit encodes to at most 3 bytes (a pair to 4), so this cut always fits.
            if (b.length > MAX_TEXT_BYTES) b = s.substring(0, MAX_TEXT_BYTES / 3).getBytes(StandardCharsets.UTF_8);
            bytes(b);
        }

        void route(Route route) {
            i64(route.handle());
            i64(route.requestId());
            byte[] ns = route.namespace().getBytes(StandardCharsets.UTF_8);
            if (ns.length > MAX_NAMESPACE_BYTES) {
                throw new MalformedMessageException("namespace of " + ns.length + " bytes; at most " + MAX_NAMESPACE_BYTES);
            }
            bytes(ns);
            out.write(route.id().bytes(), 0, ObjectId.BYTES);
        }

        void epoch(Epoch e) {
            i64(e.round());
            u32(e.node());
            i64(e.nonce());
        }

        void snapshot(Optional<Snapshot> snapshot) {
            bool(snapshot.isPresent());
            if (snapshot.isEmpty()) return;
            i64(snapshot.get().seq());
            i64(snapshot.get().wallMillis());
            bytes(snapshot.get().image());
        }

        void entries(List<LogEntry> entries) {
            u32(entries.size());
            for (LogEntry e : entries) {
                i64(e.seq());
                i64(e.wallMillis());
                bytes(e.payload());
            }
        }

        private void checkRoom(int more) {
            if ((long) out.size() + more + 4 + CRC_BYTES > MAX_FRAME_BYTES) {
                throw new MalformedMessageException("message exceeds the frame limit of " + MAX_FRAME_BYTES + " bytes");
            }
        }

        byte[] finish() {
            byte[] body = out.toByteArray();
            CRC32C crc = new CRC32C();
            crc.update(body, 0, body.length);
            byte[] frame = java.util.Arrays.copyOf(body, body.length + CRC_BYTES);
            ByteBuffer.wrap(frame, body.length, CRC_BYTES).putInt((int) crc.getValue());
            if (frame.length > MAX_FRAME_BYTES) {
                throw new MalformedMessageException("message exceeds the frame limit of " + MAX_FRAME_BYTES + " bytes");
            }
            return frame;
        }
    }

    private static final class Reader {
        private final ByteBuffer in;

        Reader(ByteBuffer in) {
            this.in = in;
        }

        int remaining() {
            return in.remaining();
        }

        private void need(int n, String what) {
            if (in.remaining() < n) {
                throw new MalformedMessageException("truncated frame: " + what + " needs " + n + " bytes, " + in.remaining() + " left");
            }
        }

        int u8(String what) {
            need(1, what);
            return in.get() & 0xFF;
        }

        boolean bool(String what) {
            int v = u8(what);
            if (v > 1) throw new MalformedMessageException(what + " must be 0 or 1, got " + v);
            return v == 1;
        }

        int u32(String what) {
            need(4, what);
            int v = in.getInt();
            if (v < 0) throw new MalformedMessageException(what + " out of range: " + Integer.toUnsignedString(v));
            return v;
        }

        long i64(String what) {
            need(8, what);
            return in.getLong();
        }

        byte[] bytes(String what) {
            int n = u32(what + " length");
            need(n, what);
            byte[] b = new byte[n];
            in.get(b);
            return b;
        }

        String text(String what) {
            byte[] b = bytes(what);
            if (b.length > MAX_TEXT_BYTES) throw new MalformedMessageException(what + " of " + b.length + " bytes; at most " + MAX_TEXT_BYTES);
            return utf8(what, b);
        }

        Route route() {
            long handle = i64("handle");
            long requestId = i64("request id");
            byte[] ns = bytes("namespace");
            if (ns.length > MAX_NAMESPACE_BYTES) {
                throw new MalformedMessageException("namespace of " + ns.length + " bytes; at most " + MAX_NAMESPACE_BYTES);
            }
            need(ObjectId.BYTES, "object id");
            byte[] id = new byte[ObjectId.BYTES];
            in.get(id);
            return new Route(handle, requestId, utf8("namespace", ns), ObjectId.of(id, null));
        }

        Epoch epoch(String what) {
            long round = i64(what + " round");
            int node = u32(what + " node");
            long nonce = i64(what + " nonce");
            return new Epoch(round, node, nonce);
        }

        Reason reason() {
            int v = u8("rejection reason");
            Reason[] all = Reason.values();
            if (v >= all.length) throw new MalformedMessageException("unknown rejection reason " + v);
            return all[v];
        }

        Optional<Snapshot> snapshot() {
            if (!bool("snapshot flag")) return Optional.empty();
            long seq = i64("snapshot seq");
            long wall = i64("snapshot wall time");
            return Optional.of(new Snapshot(seq, wall, bytes("snapshot image")));
        }

        List<LogEntry> entries() {
            int n = u32("batch count");
            if ((long) n * MIN_ENTRY_BYTES > in.remaining()) {
                throw new MalformedMessageException("batch count " + n + " cannot fit in the " + in.remaining() + " bytes left");
            }
            List<LogEntry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long seq = i64("batch seq");
                long wall = i64("batch wall time");
                out.add(new LogEntry(seq, wall, bytes("batch payload")));
            }
            return out;
        }

        List<Recovery.Mark> marks() {
            int n = u32("mark count");
            if ((long) n * MIN_MARK_BYTES > in.remaining()) {
                throw new MalformedMessageException("mark count " + n + " cannot fit in the " + in.remaining() + " bytes left");
            }
            List<Recovery.Mark> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(new Recovery.Mark(i64("mark seq"), i64("mark wall time")));
            return out;
        }

        private static String utf8(String what, byte[] b) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new MalformedMessageException(what + " is not valid UTF-8");
            }
        }
    }
}
