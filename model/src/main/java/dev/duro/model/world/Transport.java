package dev.duro.model.world;

/**
 * Unreliable, unordered messages between nodes, as encoded bytes.
 *
 * <p>A sent message may be delivered once, several times, late, out of order, or never; there is
 * no error for a lost message. Delivery happens on the receiver's loop. Messages in flight to a
 * node that crashes are lost; messages sent by a node that crashes after sending may still arrive.
 * The transport never inspects or alters the bytes (simulated corruption, where modelled, is
 * caught by the codec's checksum).
 */
public interface Transport {
    /** Node that owns this endpoint. */
    NodeId self();

    /** Sends {@code message} to {@code to}; the array must not be modified afterwards. */
    void send(NodeId to, byte[] message);

    /** Installs the handler for incoming messages; replaces any earlier one. */
    void onReceive(Receiver receiver);

    @FunctionalInterface
    interface Receiver {
        void receive(NodeId from, byte[] message);
    }
}
