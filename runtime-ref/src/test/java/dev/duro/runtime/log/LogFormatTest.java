package dev.duro.runtime.log;

import dev.duro.model.object.ObjectId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lengths read from a file are checked against the bytes that are there before anything is
 * allocated: a bit flip in a length field (the simulation's faulty disk) reads as a corrupt file,
 * like a checksum mismatch, never as an allocation of whatever the flipped length says. The
 * checksum is recomputed after each corruption so the length check itself is what is exercised.
 */
class LogFormatTest {
    private static final ObjectId ID = LogRig.id(1, "alice");

    /** Offset of the meta file's name length: magic, version, flags, namespace length, namespace, id. */
    private static int nameLengthAt(String namespace) {
        return 4 + 2 + 2 + 2 + namespace.length() + ObjectId.BYTES;
    }

    @Test
    void aMetaFileRoundTrips() {
        LogFormat.Meta meta = LogFormat.decodeMeta(LogFormat.encodeMeta("COUNTERS", ID)).orElseThrow();
        assertThat(meta.namespace()).isEqualTo("COUNTERS");
        assertThat(meta.id()).isEqualTo(ID);
        assertThat(meta.id().name()).contains("alice");
    }

    @Test
    void aHugeNameLengthIsCorruptionNotAnAllocation() {
        // Integer.MAX_VALUE exceeds the VM's array limit: before the check this was an OutOfMemoryError.
        for (int length : new int[] {Integer.MAX_VALUE, 0x7fff_fff0, 1 << 30, 1 << 20, 6}) {
            byte[] meta = LogFormat.encodeMeta("COUNTERS", ID);
            ByteBuffer.wrap(meta).putInt(nameLengthAt("COUNTERS"), length);
            resign(meta);
            assertThat(LogFormat.decodeMeta(meta)).as("name length %d", length).isEmpty();
        }
    }

    @Test
    void aNegativeNameLengthOtherThanNoNameIsCorruption() {
        byte[] meta = LogFormat.encodeMeta("COUNTERS", ID);
        int at = nameLengthAt("COUNTERS");
        // The name's 5 bytes become "no name" (-1) followed by... nothing: cut them so only the length lies.
        byte[] cut = new byte[meta.length - 5];
        System.arraycopy(meta, 0, cut, 0, at);
        System.arraycopy(meta, at + 4 + 5, cut, at + 4, meta.length - at - 4 - 5);
        ByteBuffer.wrap(cut).putInt(at, -1);
        resign(cut);
        assertThat(LogFormat.decodeMeta(cut)).as("-1 means no name").get()
                .satisfies(m -> assertThat(m.id().name()).isEmpty());
        ByteBuffer.wrap(cut).putInt(at, -2);
        resign(cut);
        assertThat(LogFormat.decodeMeta(cut)).as("-2 is no length at all").isEmpty();
    }

    @Test
    void aNamespaceLengthBeyondTheFileIsCorruption() {
        byte[] meta = LogFormat.encodeMeta("COUNTERS", ID);
        ByteBuffer.wrap(meta).putShort(8, (short) 0xffff);
        resign(meta);
        assertThat(LogFormat.decodeMeta(meta)).isEmpty();
    }

    private static void resign(byte[] bytes) {
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, LogFormat.crc(bytes, 0, bytes.length - 4));
    }
}
