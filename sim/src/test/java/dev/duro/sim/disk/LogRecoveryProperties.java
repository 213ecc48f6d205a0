package dev.duro.sim.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.async.Promise;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The disk contract from a user's side: a checksummed append-only log that acknowledges a record
 * only once a sync issued after it completed (and the log file's directory entries are durable),
 * crashed at random points under every disk fault, never loses an acknowledged record, and
 * recovers exactly a prefix of what it appended.
 *
 * <p>The reference model is the list of records appended (in the current file) and the number
 * acknowledged. A correct writer treats a failed fsync as fatal (it cannot know what reached the
 * disk) and crashes; see {@link SimDiskDevice}'s fsync-failure model.
 */
class LogRecoveryProperties {
    private static final int HEADER_BYTES = 4 + 8 + 4;
    private static final int MAX_PAYLOAD_BYTES = 1500;

    @Property(tries = 150)
    void acknowledgedRecordsSurviveCrashesAndRecoveryIsAPrefix(
            @ForAll long seed, @ForAll @IntRange(min = 50, max = 600) int steps) {
        DiskFaultConfig config = DiskCrashProperties.ALL_FAULTS.withCapacityBytes(Long.MAX_VALUE)
                .withReadErrorProbability(0);
        try (Rig r = new Rig(seed, config)) {
            new Writer(r, new TestEntropy(seed ^ 0x10C), steps).run();
        }
    }

    /** Bit flips in synced data are caught by the checksums: recovery stops there, never serves garbage. */
    @Property(tries = 100)
    void bitFlipsAreCaughtByChecksums(@ForAll long seed) {
        try (Rig r = new Rig(seed, DiskFaultConfig.none())) {
            TestEntropy rng = new TestEntropy(seed);
            r.disk.createDirectories("wal");
            DiskFile log = r.disk.open("wal/log", true);
            List<byte[]> appended = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                byte[] payload = new byte[1 + rng.nextInt(200)];
                rng.nextBytes(payload);
                log.append(encode(i, payload));
                appended.add(payload);
            }
            r.await(log.sync()).value();
            r.syncDirectoriesUpTo("wal");
            List<BitFlip> flips = r.device.injectBitFlips(1 + rng.nextInt(3));
            // Two flips of the same bit cancel: the log is then undamaged and must recover whole.
            java.util.Map<BitFlip, Integer> net = new java.util.TreeMap<>(java.util.Comparator.comparing(BitFlip::path)
                    .thenComparingLong(BitFlip::offset).thenComparingInt(BitFlip::bit));
            for (BitFlip f : flips) net.merge(f, 1, Integer::sum);
            boolean damaged = net.values().stream().anyMatch(n -> n % 2 == 1);
            r.crashAndRestart();
            List<byte[]> recovered = recover(r.disk.open("wal/log", false)).records();
            if (damaged) assertThat(recovered.size()).as("seed %d, flips %s", seed, flips).isLessThan(appended.size());
            else assertThat(recovered).as("seed %d, flips %s cancel out", seed, flips).hasSameSizeAs(appended);
            for (int i = 0; i < recovered.size(); i++) {
                assertThat(recovered.get(i)).as("record %d, seed %d", i, seed).isEqualTo(appended.get(i));
            }
        }
    }

    private static final class Writer {
        private final Rig r;
        private final TestEntropy rng;
        private final int steps;
        /** Model: every record in the log file of the current history, in order. */
        private final List<byte[]> appended = new ArrayList<>();
        /** Model: how many leading records a completed sync acknowledged. */
        private int acknowledged;
        private DiskFile log;
        private long endOffset;
        private boolean poisoned;
        private int crashes;

        Writer(Rig r, TestEntropy rng, int steps) {
            this.r = r;
            this.rng = rng;
            this.steps = steps;
        }

        void run() {
            open();
            for (int step = 0; step < steps; step++) {
                int dice = rng.nextInt(100);
                if (poisoned || dice < 4) {
                    crashAndRecover();
                } else if (dice < 45) {
                    append();
                } else if (dice < 60) {
                    sync();
                } else {
                    r.loop.step();
                }
            }
            crashAndRecover();
            assertThat(crashes).isPositive();
        }

        private void open() {
            // Bounded retries: a directory sync may fail under injected faults; the writer then restarts.
            for (int attempt = 0; ; attempt++) {
                assertThat(attempt).as("seed %d: could not make the log durable", r.seed).isLessThan(50);
                boolean existed = r.disk.exists("wal/log");
                r.disk.createDirectories("wal");
                log = r.disk.open("wal/log", true);
                if (existed) break;
                Promise<Void> wal = r.await(r.disk.syncDirectory("wal"));
                Promise<Void> root = r.await(r.disk.syncDirectory(""));
                if (wal.isSucceeded() && root.isSucceeded()) break;
                r.crashAndRestart();
                crashes++;
            }
            Recovery recovery = recover(log);
            String why = "seed " + r.seed + ", after " + crashes + " crashes";
            assertThat(recovery.records().size()).as("acknowledged records lost; %s", why)
                    .isGreaterThanOrEqualTo(acknowledged);
            assertThat(recovery.records().size()).as(why).isLessThanOrEqualTo(appended.size());
            for (int i = 0; i < recovery.records().size(); i++) {
                assertThat(recovery.records().get(i)).as("record %d; %s", i, why).isEqualTo(appended.get(i));
            }
            appended.subList(recovery.records().size(), appended.size()).clear();
            endOffset = recovery.validBytes();
            log.truncate(endOffset); // cut the untrusted tail before appending after it
            poisoned = false;
        }

        private void append() {
            byte[] payload = new byte[1 + rng.nextInt(MAX_PAYLOAD_BYTES)];
            rng.nextBytes(payload);
            byte[] record = encode(appended.size(), payload);
            log.write(endOffset, record, 0, record.length);
            endOffset += record.length;
            appended.add(payload);
        }

        private void sync() {
            int covered = appended.size();
            log.sync().whenComplete((ok, failure) -> {
                if (failure != null) {
                    poisoned = true; // like PostgreSQL after an fsync error: the only safe move is to restart
                } else if (!poisoned) {
                    acknowledged = Math.max(acknowledged, covered);
                }
            });
        }

        private void crashAndRecover() {
            r.crashAndRestart();
            crashes++;
            open();
        }
    }

    private record Recovery(List<byte[]> records, long validBytes) {}

    /** Reads records until the first one that is short, out of sequence or fails its checksum. */
    private static Recovery recover(DiskFile log) {
        List<byte[]> records = new ArrayList<>();
        long at = 0;
        long size = log.size();
        while (at + HEADER_BYTES <= size) {
            ByteBuffer header = ByteBuffer.wrap(log.readFully(at, HEADER_BYTES));
            int length = header.getInt();
            long seq = header.getLong();
            int crc = header.getInt();
            if (length < 1 || length > MAX_PAYLOAD_BYTES || seq != records.size() || at + HEADER_BYTES + length > size) break;
            byte[] payload = log.readFully(at + HEADER_BYTES, length);
            if (crc != checksum(length, seq, payload)) break;
            records.add(payload);
            at += HEADER_BYTES + length;
        }
        return new Recovery(records, at);
    }

    private static byte[] encode(long seq, byte[] payload) {
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        out.putInt(payload.length).putLong(seq).putInt(checksum(payload.length, seq, payload)).put(payload);
        return out.array();
    }

    private static int checksum(int length, long seq, byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(ByteBuffer.allocate(12).putInt(length).putLong(seq).array());
        crc.update(payload);
        return (int) crc.getValue();
    }
}
