package dev.duro.runtime.cluster;

import dev.duro.model.object.ObjectId;
import dev.duro.model.world.NodeId;
import dev.duro.runtime.cluster.ClusterMessage.Activate;
import dev.duro.runtime.cluster.ClusterMessage.Forward;
import dev.duro.runtime.cluster.ClusterMessage.ForwardReply;
import dev.duro.runtime.cluster.ClusterMessage.Heartbeat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.util.Arrays;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The cluster family's codec: round trips, and nothing but IllegalArgumentException for bad bytes. */
class ClusterCodecProperties {

    @Property(tries = 1000)
    void everyMessageSurvivesARoundTrip(@ForAll("messages") ClusterMessage message) {
        byte[] bytes = ClusterCodec.encode(message);
        assertThat(bytes[0]).isEqualTo(ClusterCodec.FAMILY);
        assertThat(ClusterCodec.encode(ClusterCodec.decode(bytes))).isEqualTo(bytes);
    }

    @Property(tries = 300)
    void everyProperPrefixIsRejected(@ForAll("messages") ClusterMessage message) {
        byte[] bytes = ClusterCodec.encode(message);
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] prefix = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> ClusterCodec.decode(prefix)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Property(tries = 2000)
    void randomBytesDecodeOrAreRejectedCleanly(@ForAll @Size(max = 60) byte[] tail, @ForAll byte type) {
        byte[] bytes = new byte[3 + tail.length];
        bytes[0] = ClusterCodec.FAMILY;
        bytes[1] = ClusterCodec.VERSION;
        bytes[2] = (byte) (type & 7);
        System.arraycopy(tail, 0, bytes, 3, tail.length);
        try {
            ClusterMessage m = ClusterCodec.decode(bytes);
            assertThat(ClusterCodec.encode(m)).isEqualTo(bytes);
        } catch (IllegalArgumentException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        } catch (Throwable other) {
            fail("decode threw " + other + " for " + HexFormat.of().formatHex(bytes), other);
        }
    }

    @Provide
    Arbitrary<ClusterMessage> messages() {
        Arbitrary<byte[]> frames = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
        Arbitrary<ObjectId> ids = Arbitraries.bytes().array(byte[].class).ofSize(ObjectId.BYTES).map(b -> ObjectId.of(b, null));
        return Arbitraries.oneOf(
                Arbitraries.just(new Heartbeat()),
                Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(0, Integer.MAX_VALUE), frames)
                        .as((id, client, frame) -> new Forward(id, NodeId.of(client), frame)),
                Combinators.combine(Arbitraries.longs(), frames).as(ForwardReply::new),
                Combinators.combine(Arbitraries.strings().ofMaxLength(20), ids).as(Activate::new));
    }
}
