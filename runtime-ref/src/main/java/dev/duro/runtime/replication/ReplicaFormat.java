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
 *         | nameLength i32 (-1: none) | name (UTF-8) | crc32c u32
 * </pre>
 *
 * {@code seqFloor}: the log held batches through at least this sequence number, durably, when the
 * file was written; a log found shorter lost synced data. {@code damage}: a {@link Damage} code;
 * anything but {@link Damage#NONE} keeps the replica damaged until an install replaces the file.
 */
final class ReplicaFormat {
    static final int MAGIC = 0x44525053; // "DRPS"
    static final short VERSION = 1;
    private static final int CRC_BYTES = 4;

    private ReplicaFormat() {
    }

    /** Why a replica cannot vouch for its log; the codes are stored, so never renumber them. */
    enum Damage {
        NONE(0, "", ""),
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
    record State(String namespace, ObjectId id, Epoch promised, Epoch logEpoch, long seqFloor, Damage damage) {
    }

    static byte[] encode(State s) {
        byte[] ns = s.namespace().getBytes(StandardCharsets.UTF_8);
        byte[] name = s.id().name().map(n -> n.getBytes(StandardCharsets.UTF_8)).orElse(null);
        int nameBytes = name == null ? 0 : name.length;
        ByteBuffer buf = ByteBuffer.allocate(4 + 2 + 2 + 2 * (8 + 4 + 8) + 8 + 1 + 2 + ns.length + ObjectId.BYTES
                + 4 + nameBytes + CRC_BYTES);
        buf.putInt(MAGIC).putShort(VERSION).putShort((short) 0);
        putEpoch(buf, s.promised());
        putEpoch(buf, s.logEpoch());
        buf.putLong(s.seqFloor()).put((byte) s.damage().code).putShort((short) ns.length).put(ns).put(s.id().bytes())
                .putInt(name == null ? -1 : name.length);
        if (name != null) buf.put(name);
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
            byte[] ns = new byte[Short.toUnsignedInt(buf.getShort())];
            buf.get(ns);
            byte[] id = new byte[ObjectId.BYTES];
            buf.get(id);
            int nameLength = buf.getInt();
            byte[] name = nameLength < 0 ? null : new byte[nameLength];
            if (name != null) buf.get(name);
            int crcAt = buf.position();
            if (crcAt + CRC_BYTES != bytes.length || buf.getInt() != crc(bytes, crcAt)) return Optional.empty();
            if (damage.isEmpty() || seqFloor < 0) return Optional.empty();
            String nameText = name == null ? null : new String(name, StandardCharsets.UTF_8);
            return Optional.of(new State(new String(ns, StandardCharsets.UTF_8), ObjectId.of(id, nameText),
                    promised, logEpoch, seqFloor, damage.get()));
        } catch (RuntimeException malformed) { // underflow, negative sizes, epoch parts < 0: not a state file
            return Optional.empty();
        }
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
