package dev.duro.runtime.log;

import dev.duro.model.object.ObjectId;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-exact edges of {@link LogFormat}'s decoders (PIT survivors, docs/mutation.md): structures
 * that end exactly at the end of the buffer, one byte short of it, and fields one past their
 * legal range. Every crafted structure carries a correct CRC, so the check under test is the one
 * that decides.
 */
class LogFormatBoundaryTest {
    private static final int LENGTH_AT = 32;

    private static byte[] record(long seq, long durableThrough, byte[] payload) {
        return LogFormat.encodeRecord(new LogEntry(seq, 77, payload), durableThrough);
    }

    /** Re-computes the trailing CRC of a structure that fills {@code bytes[from, to)}. */
    private static void resign(byte[] bytes, int from, int to) {
        ByteBuffer.wrap(bytes).putInt(to - 4, LogFormat.crc(bytes, from, to - 4 - from));
    }

    @Test
    void aRecordWithAnEmptyPayloadFillsTheBufferExactlyAndDecodes() {
        byte[] r = record(1, 0, new byte[0]);
        assertThat(r).hasSize(LogFormat.RECORD_OVERHEAD_BYTES);
        LogFormat.Record d = LogFormat.decodeRecord(r, 0).orElseThrow();
        assertThat(d.seq()).isEqualTo(1);
        assertThat(d.payload()).isEmpty();
        assertThat(d.offset()).isZero();
        assertThat(d.end()).isEqualTo(r.length);
        assertThat(LogFormat.decodeRecord(Arrays.copyOf(r, r.length - 1), 0)).as("one byte short").isEmpty();
    }

    @Test
    void aRecordEndingExactlyAtTheBufferEndDecodesAndOneByteShortDoesNot() {
        byte[] first = record(1, 0, new byte[] {1, 2, 3});
        byte[] second = record(2, 1, new byte[] {4, 5});
        byte[] both = LogRig.concat(first, second);
        LogFormat.Record d = LogFormat.decodeRecord(both, first.length).orElseThrow();
        assertThat(d.seq()).isEqualTo(2);
        assertThat(d.payload()).containsExactly(4, 5);
        assertThat(d.offset()).isEqualTo(first.length);
        assertThat(d.end()).isEqualTo(both.length);
        assertThat(d.durableThrough()).isEqualTo(1);
        assertThat(d.wallMillis()).isEqualTo(77);
        for (int cut = 1; cut <= second.length; cut++) {
            assertThat(LogFormat.decodeRecord(Arrays.copyOf(both, both.length - cut), first.length))
                    .as("%d bytes short", cut).isEmpty();
        }
        assertThat(LogFormat.decodeRecord(both, both.length)).as("at the very end").isEmpty();
        assertThat(LogFormat.decodeRecord(both, -1)).as("a negative offset").isEmpty();
    }

    @Test
    void aPayloadLengthOnePastTheBufferOrNegativeIsRejectedEvenWithAValidCrc() {
        byte[] payload = {9, 9, 9, 9};
        for (int length : new int[] {payload.length + 1, -1, Integer.MIN_VALUE}) {
            byte[] r = record(1, 0, payload);
            ByteBuffer.wrap(r).putInt(LENGTH_AT, length);
            resign(r, 0, r.length);
            assertThat(LogFormat.decodeRecord(r, 0)).as("length %d", length).isEmpty();
            assertThat(LogFormat.decodeRecord(r, 0, false)).as("length %d without the CRC check", length).isEmpty();
        }
        // One shorter: the CRC is then read from the payload's last bytes and does not match.
        byte[] shorter = record(1, 0, payload);
        ByteBuffer.wrap(shorter).putInt(LENGTH_AT, payload.length - 1);
        assertThat(LogFormat.decodeRecord(shorter, 0)).isEmpty();
    }

    @Test
    void aRecordClaimingItselfDurableOrNegativeDurabilityIsNotOurs() {
        assertThat(LogFormat.decodeRecord(record(5, 4, new byte[] {1}), 0)).as("durable through seq-1").isPresent();
        assertThat(LogFormat.decodeRecord(record(5, 0, new byte[] {1}), 0)).as("durable through 0").isPresent();
        assertThat(LogFormat.decodeRecord(record(5, 5, new byte[] {1}), 0)).as("durable through itself").isEmpty();
        assertThat(LogFormat.decodeRecord(record(5, 6, new byte[] {1}), 0)).as("durable past itself").isEmpty();
        assertThat(LogFormat.decodeRecord(record(5, -1, new byte[] {1}), 0)).as("negative").isEmpty();
        assertThat(LogFormat.decodeRecord(record(1, 0, new byte[] {1}), 0)).as("seq 1").isPresent();
        byte[] zero = record(1, 0, new byte[] {1});
        ByteBuffer.wrap(zero).putLong(8, 0);
        resign(zero, 0, zero.length);
        assertThat(LogFormat.decodeRecord(zero, 0)).as("seq 0").isEmpty();
        byte[] negative = record(1, 0, new byte[] {1});
        ByteBuffer.wrap(negative).putLong(8, -3).putLong(16, -4);
        resign(negative, 0, negative.length);
        assertThat(LogFormat.decodeRecord(negative, 0)).as("seq -3").isEmpty();
    }

    @Test
    void theChecksumIsVerifiedUnlessThePlantedBugSkipsIt() {
        byte[] r = record(3, 2, new byte[] {1, 2, 3});
        r[LogFormat.RECORD_HEADER_BYTES] ^= 0x10; // a payload bit
        assertThat(LogFormat.decodeRecord(r, 0)).isEmpty();
        assertThat(LogFormat.decodeRecord(r, 0, false)).get().extracting(LogFormat.Record::seq).isEqualTo(3L);
        byte[] magic = record(3, 2, new byte[] {1});
        magic[3] ^= 1;
        resign(magic, 0, magic.length);
        assertThat(LogFormat.decodeRecord(magic, 0, false)).as("wrong magic").isEmpty();
        byte[] version = record(3, 2, new byte[] {1});
        version[5] ^= 1;
        resign(version, 0, version.length);
        assertThat(LogFormat.decodeRecord(version, 0, false)).as("wrong version").isEmpty();
    }

    @Test
    void nextValidRecordFindsARecordEndingExactlyAtTheEndAfterGarbage() {
        byte[] empty = record(4, 3, new byte[0]);
        // Garbage that passes the pre-filter ("DL") but is not a record, then the record.
        byte[] garbage = {'D', 'L', 'x', 'D', 'L', 'O', 'G', 0, 0};
        byte[] bytes = LogRig.concat(garbage, empty);
        Optional<LogFormat.Record> found = LogFormat.nextValidRecord(bytes, 0, true);
        assertThat(found).get().extracting(LogFormat.Record::offset).isEqualTo((long) garbage.length);
        assertThat(found.get().end()).isEqualTo(bytes.length);
        assertThat(LogFormat.nextValidRecord(bytes, -7, true)).as("a negative start counts from 0").get()
                .extracting(LogFormat.Record::offset).isEqualTo((long) garbage.length);
        assertThat(LogFormat.nextValidRecord(bytes, garbage.length, true)).get()
                .extracting(LogFormat.Record::seq).isEqualTo(4L);
        assertThat(LogFormat.nextValidRecord(bytes, garbage.length + 1, true)).as("past its start").isEmpty();
        assertThat(LogFormat.nextValidRecord(Arrays.copyOf(bytes, bytes.length - 1), 0, true)).as("one byte short").isEmpty();
        byte[] damaged = bytes.clone();
        damaged[damaged.length - 1] ^= 1;
        assertThat(LogFormat.nextValidRecord(damaged, 0, true)).isEmpty();
        assertThat(LogFormat.nextValidRecord(damaged, 0, false)).as("planted NO_CHECKSUM").isPresent();
    }

    @Test
    void nextValidRecordReturnsTheFirstOfSeveral() {
        byte[] a = record(1, 0, new byte[] {1});
        byte[] b = record(2, 1, new byte[] {2});
        byte[] bytes = LogRig.concat(new byte[] {0, 'D'}, a, b);
        assertThat(LogFormat.nextValidRecord(bytes, 0, true)).get().extracting(LogFormat.Record::seq).isEqualTo(1L);
        assertThat(LogFormat.nextValidRecord(bytes, 3, true)).get().extracting(LogFormat.Record::seq).isEqualTo(2L);
    }

    @Test
    void aSnapshotWithAnEmptyImageIsExactlyHeaderAndCrcAndDecodes() {
        byte[] s = LogFormat.encodeSnapshot(new Snapshot(0, 12, new byte[0]));
        assertThat(s).hasSize(LogFormat.SNAPSHOT_HEADER_BYTES + LogFormat.CRC_BYTES);
        Snapshot d = LogFormat.decodeSnapshot(s).orElseThrow();
        assertThat(d.seq()).isZero();
        assertThat(d.wallMillis()).isEqualTo(12);
        assertThat(d.image()).isEmpty();
        assertThat(LogFormat.decodeSnapshot(Arrays.copyOf(s, s.length - 1))).as("one byte short").isEmpty();
        assertThat(LogFormat.decodeSnapshot(new byte[0])).isEmpty();
    }

    @Test
    void aSnapshotMustBeExactlyItsImageLengthLong() {
        byte[] s = LogFormat.encodeSnapshot(new Snapshot(7, 1, new byte[] {1, 2, 3}));
        assertThat(LogFormat.decodeSnapshot(s)).get().extracting(Snapshot::seq).isEqualTo(7L);
        byte[] longer = Arrays.copyOf(s, s.length + 1);
        assertThat(LogFormat.decodeSnapshot(longer)).as("one byte past").isEmpty();
        for (int length : new int[] {2, 4, -1}) {
            byte[] lying = s.clone();
            ByteBuffer.wrap(lying).putInt(24, length);
            resign(lying, 0, lying.length);
            assertThat(LogFormat.decodeSnapshot(lying)).as("image length %d", length).isEmpty();
            assertThat(LogFormat.decodeSnapshot(lying, false)).as("image length %d, CRC unchecked", length).isEmpty();
        }
    }

    @Test
    void aSnapshotWithANegativeSeqOrDamageIsRejectedUnlessTheChecksumIsSkipped() {
        byte[] negative = LogFormat.encodeSnapshot(new Snapshot(1, 1, new byte[] {1}));
        ByteBuffer.wrap(negative).putLong(8, -1);
        resign(negative, 0, negative.length);
        assertThat(LogFormat.decodeSnapshot(negative)).isEmpty();
        byte[] damaged = LogFormat.encodeSnapshot(new Snapshot(1, 1, new byte[] {1, 2}));
        damaged[LogFormat.SNAPSHOT_HEADER_BYTES] ^= 4;
        assertThat(LogFormat.decodeSnapshot(damaged)).isEmpty();
        assertThat(LogFormat.decodeSnapshot(damaged, false)).get().extracting(Snapshot::seq).isEqualTo(1L);
        byte[] wrongMagic = LogFormat.encodeSnapshot(new Snapshot(1, 1, new byte[] {1}));
        wrongMagic[0] ^= 1;
        resign(wrongMagic, 0, wrongMagic.length);
        assertThat(LogFormat.decodeSnapshot(wrongMagic, false)).isEmpty();
        byte[] wrongVersion = LogFormat.encodeSnapshot(new Snapshot(1, 1, new byte[] {1}));
        wrongVersion[5] ^= 2;
        resign(wrongVersion, 0, wrongVersion.length);
        assertThat(LogFormat.decodeSnapshot(wrongVersion, false)).isEmpty();
    }

    @Test
    void aMetaFileWithAnEmptyNameOrNoNameRoundTripsAndExtraOrMissingBytesDoNot() {
        ObjectId empty = LogRig.id(3, "");
        assertThat(LogFormat.decodeMeta(LogFormat.encodeMeta("N", empty))).get()
                .satisfies(m -> assertThat(m.id().name()).contains(""));
        ObjectId anonymous = LogRig.id(3, null);
        byte[] meta = LogFormat.encodeMeta("N", anonymous);
        assertThat(LogFormat.decodeMeta(meta)).get().satisfies(m -> assertThat(m.id()).isEqualTo(anonymous));
        byte[] longer = Arrays.copyOf(meta, meta.length + 1);
        resign(longer, 0, longer.length);
        assertThat(LogFormat.decodeMeta(longer)).as("one byte past the CRC").isEmpty();
        // Cut inside the id: the id field cannot be read.
        assertThat(LogFormat.decodeMeta(Arrays.copyOf(meta, 4 + 2 + 2 + 2 + 1 + 10))).isEmpty();
        for (int cut = 1; cut < meta.length; cut++) {
            assertThat(LogFormat.decodeMeta(Arrays.copyOf(meta, meta.length - cut))).as("%d bytes short", cut).isEmpty();
        }
        byte[] wrongMagic = meta.clone();
        wrongMagic[0] ^= 1;
        resign(wrongMagic, 0, wrongMagic.length);
        assertThat(LogFormat.decodeMeta(wrongMagic)).isEmpty();
    }
}
