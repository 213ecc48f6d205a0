package dev.duro.runtime.replication;

import dev.duro.model.object.ObjectId;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The bytes of a replica's state file ({@code replicas/state/<namespace>/<id>}), which a
 * {@link DiskReplicaStore} replaces atomically (tmp, fsync, rename, directory fsync). All integers
 * big-endian; the CRC32C covers every byte before it.
 *
 * <pre>
 * state = magic "DRPS" u32 | version u16 | flags u16 (0)
 *         | promised: round u64, node u32, nonce u64 | logEpoch: round u64, node u32, nonce u64
 *         | seqFloor u64 | damage u8 | namespaceLength u16 | namespace (UTF-8) | id (32 bytes)
 *         | nameLength i32 (-1: none) | name (UTF-8) | generation u64 | crc32c u32
 * </pre>
 *
 * {@code generation}: which of the replica's two log directories is live ({@code generation % 2}).
 * An install writes the new log into the other directory and switches by replacing this file, so
 * the switch is as atomic as the file.
 *
 * {@code seqFloor}: the log held batches through at least this sequence number, durably, when the
 * file was written; a log found shorter lost synced data. {@code damage}: a {@link Damage} code;
 * anything but {@link Damage#NONE} keeps the replica damaged until an install replaces the file.
 */
final class ReplicaFormat {
    static final int MAGIC = 0x44525053; // "DRPS"
    /** 2: the generation field was added (version 1 files, without it, are not read). */
    static final short VERSION = 2;
    private static final int CRC_BYTES = 4;

    private ReplicaFormat() {
    }

    /** Why a replica cannot vouch for its log; the codes are stored, so never renumber them. */
    enum Damage {
        NONE(0, "", ""),
        /** No longer written (installs switch generations atomically); the code stays reserved. */
        INSTALL_CUT(1, "install-cut", "install cut by a crash"),
        LOST_DISK(2, "lost-disk", "this node lost its disk"),
        STATE_CORRUPT(3, "state-corrupt", "the replica's state file is corrupt (its promise is unknown)"),
        LOG_CORRUPT(4, "log-corrupt", "the log fails its checksums or misses synced batches"),
        LOST_SYNCED_DATA(5, "lost-synced-data", "the log lost batches that were synced"),
        STATE_MISSING(6, "state-missing", "the replica's state file is missing but its log exists");

        final int code;
        /** One word for trace facts ({@code repl-damaged id=<hex> reason=<word>}). */
        final String word;
        /** What {@link ReplicaState#damage()} says. */
        final String text;

        Damage(int code, String word, String text) {
            this.code = code;
            this.word = word;
            this.text = text;
        }

        static Optional<Damage> ofCode(int code) {
            for (Damage d : values()) if (d.code == code) return Optional.of(d);
            return Optional.empty();
        }
    }

    /** What a state file says. */
    record State(String namespace, ObjectId id, Epoch promised, Epoch logEpoch, long seqFloor, Damage damage, long generation) {
    }

    static byte[] encode(State s) {
        byte[] ns = s.namespace().getBytes(StandardCharsets.UTF_8);
        byte[] name = s.id().name().map(n -> n.getBytes(StandardCharsets.UTF_8)).orElse(null);
        int nameBytes = name == null ? 0 : name.length;
        ByteBuffer buf = ByteBuffer.allocate(4 + 2 + 2 + 2 * (8 + 4 + 8) + 8 + 1 + 2 + ns.length + ObjectId.BYTES
                + 4 + nameBytes + 8 + CRC_BYTES);
        buf.putInt(MAGIC).putShort(VERSION).putShort((short) 0);
        putEpoch(buf, s.promised());
        putEpoch(buf, s.logEpoch());
        buf.putLong(s.seqFloor()).put((byte) s.damage().code).putShort((short) ns.length).put(ns).put(s.id().bytes())
                .putInt(name == null ? -1 : name.length);
        if (name != null) buf.put(name);
        buf.putLong(s.generation());
        buf.putInt(crc(buf.array(), buf.position()));
        return buf.array();
    }

    /** The state in {@code bytes}, or empty if they are not exactly one checksum-valid state file. */
    static Optional<State> decode(byte[] bytes) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            if (buf.getInt() != MAGIC || buf.getShort() != VERSION) return Optional.empty();
            buf.getShort();
            Epoch promised = getEpoch(buf);
            Epoch logEpoch = getEpoch(buf);
            long seqFloor = buf.getLong();
            Optional<Damage> damage = Damage.ofCode(Byte.toUnsignedInt(buf.get()));
            byte[] ns = field(buf, Short.toUnsignedInt(buf.getShort()));
            if (ns == null) return Optional.empty();
            byte[] id = field(buf, ObjectId.BYTES);
            if (id == null) return Optional.empty();
            int nameLength = buf.getInt();
            byte[] name = nameLength == -1 ? null : field(buf, nameLength);
            if (name == null && nameLength != -1) return Optional.empty();
            long generation = buf.getLong();
            int crcAt = buf.position();
            if (crcAt + CRC_BYTES != bytes.length || buf.getInt() != crc(bytes, crcAt)) return Optional.empty();
            if (damage.isEmpty() || seqFloor < 0 || generation < 0) return Optional.empty();
            String nameText = name == null ? null : new String(name, StandardCharsets.UTF_8);
            return Optional.of(new State(new String(ns, StandardCharsets.UTF_8), ObjectId.of(id, nameText),
                    promised, logEpoch, seqFloor, damage.get(), generation));
        } catch (RuntimeException malformed) { // underflow, epoch parts < 0: not a state file
            return Optional.empty();
        }
    }

    /**
     * The next {@code length} bytes of {@code buf}, or null when the length read from the file cannot
     * be right: negative, or more than the bytes left before the generation and the CRC. Checked
     * before allocating, so a bit flip in a length field reads as a corrupt state file (the same path
     * as a checksum mismatch) instead of allocating whatever the flipped length says (an
     * OutOfMemoryError, or a run that depends on the heap).
     */
    private static byte[] field(ByteBuffer buf, int length) {
        if (length < 0 || length > buf.remaining() - 8 - CRC_BYTES) return null;
        byte[] out = new byte[length];
        buf.get(out);
        return out;
    }

    private static void putEpoch(ByteBuffer buf, Epoch e) {
        buf.putLong(e.round()).putInt(e.node()).putLong(e.nonce());
    }

    private static Epoch getEpoch(ByteBuffer buf) {
        return new Epoch(buf.getLong(), buf.getInt(), buf.getLong());
    }

    private static int crc(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
