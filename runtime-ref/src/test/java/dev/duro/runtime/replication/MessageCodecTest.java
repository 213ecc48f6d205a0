package dev.duro.runtime.replication;

import dev.duro.model.object.ObjectId;
import dev.duro.runtime.log.LogEntry;
import dev.duro.runtime.log.Recovery;
import dev.duro.runtime.log.Snapshot;
import dev.duro.runtime.replication.Message.Route;
import dev.duro.sim.random.SeededEntropy;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The replication codec: every message type survives a round trip, and no input at all (random
 * bytes, truncations, bit flips, spliced frames) makes {@link MessageCodec#decode} throw anything
 * but {@link MalformedMessageException} or return a message for a corrupted frame.
 */
class MessageCodecTest {
    private static final Route ROUTE = new Route(42, 7, "COUNTERS", ReplicationRig.id(3));
    private static final Epoch E = new Epoch(5, 2, 123456789L);
    private static final Epoch OLD = new Epoch(4, 1, 99);

    static List<Message> samples() {
        Snapshot snap = new Snapshot(3, 1_000, new byte[] {1, 2, 3});
        List<LogEntry> batches = List.of(new LogEntry(4, 10, new byte[] {4}), new LogEntry(5, 11, new byte[0]));
        Recovery recovery = new Recovery(Optional.of(snap), batches, List.of(new Recovery.Mark(3, 1_000), new Recovery.Mark(4, 10)));
        return List.of(
                new Message.Prepare(ROUTE, E),
                new Message.Fetch(ROUTE, E),
                new Message.Install(ROUTE, E, Optional.of(snap), batches, false),
                new Message.Install(ROUTE, E, Optional.empty(), List.of(), true),
                new Message.Append(ROUTE, E, batches),
                new Message.PushSnapshot(ROUTE, E, snap),
                new Message.Renew(ROUTE, E),
                new Message.Release(ROUTE, E),
                new Message.RecoverAt(ROUTE, E, 4),
                new Message.Promised(ROUTE, E, OLD, 17, -1),
                new Message.Rejected(ROUTE, E, Message.Reason.LEASED, OLD, 1_500),
                new Message.Fetched(ROUTE, E, OLD, Optional.of(snap), batches),
                new Message.Installed(ROUTE, E, 5, 3),
                new Message.Appended(ROUTE, E, 5),
                new Message.NeedInstall(ROUTE, E, 0),
                new Message.Behind(ROUTE, E, 2),
                new Message.Fenced(ROUTE, OLD, E),
                new Message.SnapshotAck(ROUTE, E, 3),
                new Message.LeaseOk(ROUTE, E),
                new Message.RecoveredAt(ROUTE, E, recovery),
                new Message.RecoverAtFailed(ROUTE, E, "not retained ü"),
                new Message.AskPromise(ROUTE, Epoch.ZERO),
                new Message.PromiseIs(ROUTE, Epoch.ZERO, E));
    }

    @Test
    void everyTypeRoundTrips() {
        List<String> seen = new ArrayList<>();
        for (Message m : samples()) {
            byte[] frame = MessageCodec.encode(m);
            assertThat(frame[0]).isEqualTo(Replication.FAMILY);
            Message back = MessageCodec.decode(frame);
            assertThat(back.getClass()).isEqualTo(m.getClass());
            assertThat(back.route()).isEqualTo(m.route());
            assertThat(back.epoch()).isEqualTo(m.epoch());
            assertThat(MessageCodec.encode(back)).as("re-encoding %s", m).isEqualTo(frame);
            seen.add(m.getClass().getSimpleName());
        }
        assertThat(seen).as("one sample per message type")
                .containsAll(Arrays.stream(Message.class.getPermittedSubclasses())
                        .flatMap(c -> Arrays.stream(c.getPermittedSubclasses())).map(Class::getSimpleName).toList());
    }

    @Test
    void payloadBytesSurvive() {
        byte[] payload = new byte[300];
        for (int i = 0; i < payload.length; i++) payload[i] = (byte) (i * 7);
        Message.Append a = new Message.Append(ROUTE, E, List.of(new LogEntry(9, 1, payload)));
        Message.Append back = (Message.Append) MessageCodec.decode(MessageCodec.encode(a));
        assertThat(back.entries().getFirst().payload()).isEqualTo(payload);
        assertThat(back.route().id()).isEqualTo(ROUTE.id());
    }

    @Test
    void everySingleBitFlipIsRejected() {
        for (Message m : samples()) {
            byte[] frame = MessageCodec.encode(m);
            for (int bit = 0; bit < frame.length * 8; bit++) {
                byte[] bad = frame.clone();
                bad[bit / 8] ^= (byte) (1 << (bit % 8));
                assertThatThrownBy(() -> MessageCodec.decode(bad)).as("flip of bit %d in %s", bit, m)
                        .isInstanceOf(MalformedMessageException.class);
            }
        }
    }

    @Test
    void everyTruncationIsRejected() {
        for (Message m : samples()) {
            byte[] frame = MessageCodec.encode(m);
            for (int len = 0; len < frame.length; len++) {
                byte[] cut = Arrays.copyOf(frame, len);
                assertThatThrownBy(() -> MessageCodec.decode(cut)).isInstanceOf(MalformedMessageException.class);
            }
        }
    }

    @Test
    void wellChecksummedNonsenseIsRejectedByTheFieldChecks() {
        // A frame whose checksum is right but whose fields are not: a batch count far beyond the bytes.
        byte[] frame = MessageCodec.encode(new Message.Append(ROUTE, E, List.of(new LogEntry(1, 1, new byte[0]))));
        int countAt = frame.length - 4 - (8 + 8 + 4) - 4;
        frame[countAt] = 0x7f;
        resign(frame);
        assertThatThrownBy(() -> MessageCodec.decode(frame)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("batch count");
        byte[] nonConsecutive = MessageCodec.encode(new Message.Append(ROUTE, E,
                List.of(new LogEntry(1, 1, new byte[0]), new LogEntry(2, 1, new byte[0]))));
        nonConsecutive[nonConsecutive.length - 4 - 20 + 7] = 3; // second batch's seq 2 -> 3
        resign(nonConsecutive);
        assertThatThrownBy(() -> MessageCodec.decode(nonConsecutive)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("consecutive");
    }

    @Test
    void aHugeLengthIsRejectedBeforeAnythingIsAllocated() {
        // The last field before the CRC is the (empty) payload's length; make it claim 2 GiB.
        for (int length : new int[] {Integer.MAX_VALUE, 0x7fff_fff0, 1 << 20, 1}) {
            byte[] frame = MessageCodec.encode(new Message.Append(ROUTE, E, List.of(new LogEntry(1, 1, new byte[0]))));
            java.nio.ByteBuffer.wrap(frame).putInt(frame.length - 4 - 4, length);
            resign(frame);
            assertThatThrownBy(() -> MessageCodec.decode(frame)).as("payload length %d", length)
                    .isInstanceOf(MalformedMessageException.class).hasMessageContaining("batch payload");
        }
    }

    @Test
    void aTooLongNamespaceIsRefusedOnEncode() {
        Route huge = new Route(1, 1, "N".repeat(MessageCodec.MAX_NAMESPACE_BYTES + 1), ObjectId.of(new byte[32], null));
        assertThatThrownBy(() -> MessageCodec.encode(new Message.Renew(huge, E))).isInstanceOf(MalformedMessageException.class);
    }

    /** Random bytes, and random damage to valid frames (with the checksum fixed up so the parser itself is exercised). */
    @Property(tries = 300)
    void decodeThrowsOnlyMalformedMessage(@ForAll long seed) {
        SeededEntropy rnd = new SeededEntropy(seed);
        List<Message> samples = samples();
        for (int i = 0; i < 50; i++) {
            byte[] input;
            switch (rnd.nextInt(4)) {
                case 0 -> {
                    input = new byte[rnd.nextInt(200)];
                    rnd.nextBytes(input);
                    if (input.length > 0 && rnd.chance(0.5)) input[0] = Replication.FAMILY;
                    if (input.length > 1 && rnd.chance(0.5)) input[1] = MessageCodec.VERSION;
                    if (input.length > 8 && rnd.chance(0.7)) resign(input);
                }
                case 1 -> {
                    input = MessageCodec.encode(samples.get(rnd.nextInt(samples.size())));
                    int flips = 1 + rnd.nextInt(4);
                    for (int f = 0; f < flips; f++) input[2 + rnd.nextInt(input.length - 6)] = (byte) rnd.nextLong();
                    resign(input);
                }
                case 2 -> {
                    byte[] a = MessageCodec.encode(samples.get(rnd.nextInt(samples.size())));
                    byte[] b = MessageCodec.encode(samples.get(rnd.nextInt(samples.size())));
                    int cut = 3 + rnd.nextInt(a.length - 7);
                    input = new byte[cut + b.length - Math.min(cut, b.length - 4)];
                    System.arraycopy(a, 0, input, 0, cut);
                    System.arraycopy(b, Math.min(cut, b.length - 4), input, cut, input.length - cut);
                    resign(input);
                }
                default -> {
                    byte[] a = MessageCodec.encode(samples.get(rnd.nextInt(samples.size())));
                    input = Arrays.copyOf(a, a.length + 1 + rnd.nextInt(8));
                    resign(input);
                }
            }
            try {
                Message m = MessageCodec.decode(input);
                // It parsed: then it is a valid message and re-encodes to the same frame.
                assertThat(MessageCodec.encode(m)).isEqualTo(input);
            } catch (MalformedMessageException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("seed " + seed + ": decode threw " + e + " for " + Arrays.toString(input));
            }
        }
    }

    /** Recomputes the trailing CRC32C so the frame passes the checksum. */
    private static void resign(byte[] frame) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(frame, 0, frame.length - 4);
        java.nio.ByteBuffer.wrap(frame, frame.length - 4, 4).putInt((int) crc.getValue());
    }
}
