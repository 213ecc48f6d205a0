package dev.duro.scenarios.ping;

import dev.duro.model.util.Invariants;
import java.nio.ByteBuffer;

/**
 * Wire format of the ping protocol (big-endian):
 * <pre>
 * DATA: 0x01 | senderSession:8 | seq:4 | length:2 | payload:length
 * ACK:  0x02 | receiverSession:8 | senderSession:8 | nextExpected:4
 * </pre>
 */
final class PingCodec {
    static final byte DATA = 1;
    static final byte ACK = 2;

    private PingCodec() {}

    sealed interface Message permits Data, Ack {}

    /** Message {@code seq} of the sender incarnation {@code session}. */
    record Data(long session, int seq, byte[] payload) implements Message {}

    /** The receiver incarnation {@code receiverSession} has everything of {@code senderSession} below {@code nextExpected}. */
    record Ack(long receiverSession, long senderSession, int nextExpected) implements Message {}

    static byte[] encode(Message m) {
        return switch (m) {
            case Data d -> {
                Invariants.check(d.payload().length <= 0xFFFF, "payload too long: %d", d.payload().length);
                yield ByteBuffer.allocate(1 + 8 + 4 + 2 + d.payload().length).put(DATA).putLong(d.session()).putInt(d.seq())
                        .putShort((short) d.payload().length).put(d.payload()).array();
            }
            case Ack a -> ByteBuffer.allocate(1 + 8 + 8 + 4).put(ACK).putLong(a.receiverSession())
                    .putLong(a.senderSession()).putInt(a.nextExpected()).array();
        };
    }

    static Message decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte type = b.get();
        return switch (type) {
            case DATA -> {
                long session = b.getLong();
                int seq = b.getInt();
                byte[] payload = new byte[b.getShort() & 0xFFFF];
                b.get(payload);
                Invariants.check(!b.hasRemaining(), "trailing bytes after DATA");
                yield new Data(session, seq, payload);
            }
            case ACK -> {
                Ack a = new Ack(b.getLong(), b.getLong(), b.getInt());
                Invariants.check(!b.hasRemaining(), "trailing bytes after ACK");
                yield a;
            }
            default -> throw new IllegalArgumentException("unknown ping message type " + type);
        };
    }
}
