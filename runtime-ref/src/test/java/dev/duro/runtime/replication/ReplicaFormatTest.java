package dev.duro.runtime.replication;

import dev.duro.model.object.ObjectId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A state file's length fields are checked against the bytes that are there before anything is
 * allocated: a bit flip in one (the simulation's faulty disk) reads as a corrupt state file (the
 * replica loads damaged, {@code state-corrupt}, and is repaired from its peers), never as an
 * allocation of whatever the flipped length says. The checksum is recomputed after each corruption
 * so the length check itself is what is exercised.
 */
class ReplicaFormatTest {
    private static final String NS = "COUNTERS";
    private static final ObjectId ID = ObjectId.of(ReplicationRig.id(3).bytes(), "alice");
    private static final ReplicaFormat.State STATE = new ReplicaFormat.State(NS, ID, new Epoch(5, 2, 9),
            new Epoch(4, 1, 7), 12, ReplicaFormat.Damage.NONE, 3);

    /** Offset of the name length: magic, version, flags, two epochs, seqFloor, damage, namespace length, namespace, id. */
    private static final int NAME_LENGTH_AT = 4 + 2 + 2 + 2 * (8 + 4 + 8) + 8 + 1 + 2 + NS.length() + ObjectId.BYTES;
    private static final int NAMESPACE_LENGTH_AT = 4 + 2 + 2 + 2 * (8 + 4 + 8) + 8 + 1;

    @Test
    void aStateFileRoundTrips() {
        assertThat(ReplicaFormat.decode(ReplicaFormat.encode(STATE))).contains(STATE);
    }

    @Test
    void aHugeNameLengthIsCorruptionNotAnAllocation() {
        // Integer.MAX_VALUE exceeds the VM's array limit: before the check this was an OutOfMemoryError.
        for (int length : new int[] {Integer.MAX_VALUE, 0x7fff_fff0, 1 << 30, 1 << 20, 6, -2, Integer.MIN_VALUE}) {
            byte[] bytes = ReplicaFormat.encode(STATE);
            ByteBuffer.wrap(bytes).putInt(NAME_LENGTH_AT, length);
            resign(bytes);
            assertThat(ReplicaFormat.decode(bytes)).as("name length %d", length).isEmpty();
        }
    }

    @Test
    void aNamespaceLengthBeyondTheFileIsCorruption() {
        byte[] bytes = ReplicaFormat.encode(STATE);
        ByteBuffer.wrap(bytes).putShort(NAMESPACE_LENGTH_AT, (short) 0xffff);
        resign(bytes);
        assertThat(ReplicaFormat.decode(bytes)).isEmpty();
    }

    private static void resign(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
    }
}
