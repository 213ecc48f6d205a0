package dev.duro.sim.disk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Properties of the crash model over random inputs. Every property takes the device seed as a
 * parameter, so jqwik's failure report names it; assertion messages repeat it.
 */
class DiskCrashProperties {
    private static final byte OLD = (byte) 0xAA;

    private record Span(long position, byte[] bytes) {
        long end() {
            return position + bytes.length;
        }
    }

    /**
     * Torn writes: after a crash with tearing (and optionally corruption) always on, every byte
     * outside the unsynced writes is what was synced, and within each sector an unsynced write
     * touched, that write's bytes are all persisted or all absent (torn only at sector
     * boundaries); corrupt sectors appear only inside unsynced writes.
     */
    @Property(tries = 200)
    void tornWritesOnlyAtSectorGranularityAndOnlyForUnsyncedData(
            @ForAll long seed, @ForAll boolean sector4k, @ForAll boolean corrupt) {
        int sectorBytes = sector4k ? 4096 : 512;
        DiskFaultConfig config = DiskFaultConfig.none().withSectorBytes(sectorBytes).withTornWriteProbability(1.0)
                .withCorruptSectorProbability(corrupt ? 0.5 : 0.0);
        TestEntropy rng = new TestEntropy(~seed);
        try (Rig r = new Rig(seed, config)) {
            int oldSize = rng.nextInt(3 * sectorBytes + 1);
            byte[] old = new byte[oldSize];
            java.util.Arrays.fill(old, OLD);
            DiskFile file = r.createDurably("f", old);
            // Byte-disjoint unsynced writes whose data differs from both OLD and the zeros of holes.
            List<Span> spans = new ArrayList<>();
            long at = rng.nextInt(sectorBytes);
            int count = 1 + rng.nextInt(6);
            for (int i = 0; i < count; i++) {
                byte[] data = new byte[1 + rng.nextInt(2 * sectorBytes)];
                for (int j = 0; j < data.length; j++) data[j] = (byte) (1 + rng.nextInt(0xA9));
                spans.add(new Span(at, data));
                at += data.length + rng.nextInt(sectorBytes);
            }
            List<Span> issueOrder = new ArrayList<>(spans);
            for (int i = issueOrder.size() - 1; i > 0; i--) {
                java.util.Collections.swap(issueOrder, i, rng.nextInt(i + 1));
            }
            for (Span s : issueOrder) file.write(s.position(), s.bytes(), 0, s.bytes().length);
            r.crashAndRestart();
            byte[] after = r.readAll("f");
            String why = "seed " + seed + ", sector " + sectorBytes;

            assertThat((long) after.length).as(why).isGreaterThanOrEqualTo(oldSize);
            boolean[] covered = new boolean[Math.max(after.length, 1)];
            for (Span s : spans) {
                for (long i = s.position(); i < s.end() && i < after.length; i++) covered[(int) i] = true;
            }
            for (int i = 0; i < after.length; i++) {
                if (covered[i]) continue;
                byte expected = i < oldSize ? OLD : 0;
                assertThat(after[i]).as("byte %d outside unsynced writes changed; %s", i, why).isEqualTo(expected);
            }
            for (Span s : spans) {
                for (long sector = s.position() / sectorBytes; sector * sectorBytes < s.end(); sector++) {
                    long from = Math.max(s.position(), sector * sectorBytes);
                    long to = Math.min(s.end(), (sector + 1) * sectorBytes);
                    int persisted = 0;
                    int absent = 0;
                    int garbage = 0;
                    for (long i = from; i < to; i++) {
                        byte expectedOld = i < oldSize ? OLD : 0;
                        byte written = s.bytes()[(int) (i - s.position())];
                        byte actual = i < after.length ? after[(int) i] : expectedOld;
                        if (actual == written) persisted++;
                        else if (actual == expectedOld) absent++;
                        else garbage++;
                    }
                    long n = to - from;
                    if (!corrupt) {
                        assertThat(persisted == n || absent == n)
                                .as("sector %d of write at %d mixes %d persisted and %d absent bytes; %s",
                                        sector, s.position(), persisted, absent, why).isTrue();
                        assertThat(garbage).as(why).isZero();
                    }
                }
            }
            DiskStats stats = r.device.stats();
            assertThat(stats.lostWrites() + stats.faults(DiskFaultKind.TORN_WRITE)).as(why).isEqualTo(count);
        }
    }

    /** Determinism: the same seed and the same random operations give byte-identical images and traces. */
    @Property(tries = 100)
    void sameSeedSameOpsGiveIdenticalImagesAndTraces(
            @ForAll long seed, @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 99_999) Integer> ops) {
        Outcome first = runOps(seed, ops);
        Outcome second = runOps(seed, ops);
        assertThat(second.image()).as("seed %d", seed).isEqualTo(first.image());
        assertThat(second.trace()).as("seed %d", seed).isEqualTo(first.trace());
    }

    private record Outcome(Map<String, String> image, List<String> trace) {}

    static final DiskFaultConfig ALL_FAULTS = DiskFaultConfig.none()
            .withSectorBytes(512)
            .withTornWriteProbability(0.5)
            .withCorruptSectorProbability(0.2)
            .withSyncFailureProbability(0.1)
            .withSlowSync(0.2, 20)
            .withReadErrorProbability(0.05)
            .withCapacityBytes(20_000);

    private static Outcome runOps(long seed, List<Integer> ops) {
        String[] paths = {"a", "b", "d/a", "d/b", "d/e/c"};
        try (Rig r = new Rig(seed, ALL_FAULTS)) {
            TreeMap<String, DiskFile> open = new TreeMap<>();
            for (int op : ops) {
                int kind = op % 10;
                int param = op / 10;
                String path = paths[param % paths.length];
                try {
                    switch (kind) {
                        case 0 -> {
                            r.disk.createDirectories(DiskPaths.parent(path));
                            DiskFile f = open.computeIfAbsent(path, p -> r.disk.open(p, true));
                            byte[] data = new byte[param % 1500];
                            new TestEntropy(op).nextBytes(data);
                            f.append(data);
                        }
                        case 1 -> {
                            DiskFile f = open.get(path);
                            if (f != null) f.write(param % 3000, new byte[] {(byte) op, 1, 2, 3}, 0, 4);
                        }
                        case 2 -> {
                            DiskFile f = open.get(path);
                            if (f != null) f.sync();
                        }
                        case 3 -> r.disk.syncDirectory(DiskPaths.parent(path));
                        case 4 -> r.disk.rename(path, paths[(param / 7) % paths.length]);
                        case 5 -> r.disk.delete(path);
                        case 6 -> {
                            for (int i = 0; i < param % 6; i++) r.loop.step();
                        }
                        case 7 -> {
                            DiskFile f = open.get(path);
                            if (f != null) f.truncate(param % 2000);
                        }
                        case 8 -> {
                            r.crashAndRestart();
                            open.clear();
                        }
                        case 9 -> {
                            if (param % 2 == 0) r.device.injectBitFlips(1 + param % 3);
                            DiskFile f = open.get(path);
                            if (f != null && f.size() > 0) f.read(0, new byte[64], 0, 64);
                        }
                        default -> throw new AssertionError(kind);
                    }
                } catch (DiskException e) {
                    r.trace.add("op-error " + e.getMessage());
                }
            }
            r.crashAndRestart();
            TreeMap<String, String> image = new TreeMap<>();
            r.device.durableImage().forEach((p, b) -> image.put(p, HexFormat.of().formatHex(b)));
            return new Outcome(image, List.copyOf(r.trace));
        }
    }
}
