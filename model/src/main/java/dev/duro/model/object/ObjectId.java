package dev.duro.model.object;

import dev.duro.model.util.Invariants;

import java.util.HexFormat;
import java.util.Optional;

/**
 * An object's globally unique id: 32 bytes, shown as 64 lowercase hex digits. Ids made by
 * {@link ObjectNamespace#idFromName} keep the name, for logs and for users' convenience; equality
 * and order look at the bytes only.
 */
public final class ObjectId implements Comparable<ObjectId> {
    public static final int BYTES = 32;

    private final String hex;
    private final String name;

    private ObjectId(String hex, String name) {
        this.hex = hex;
        this.name = name;
    }

    /** Wraps 32 bytes; checking that they belong to a namespace is the namespace's job. */
    public static ObjectId of(byte[] bytes, String nameOrNull) {
        Invariants.check(bytes.length == BYTES, "an object id is %d bytes, got %d", BYTES, bytes.length);
        return new ObjectId(HexFormat.of().formatHex(bytes), nameOrNull);
    }

    public byte[] bytes() {
        return HexFormat.of().parseHex(hex);
    }

    /** 64 lowercase hex digits. */
    public String hex() {
        return hex;
    }

    /** The name it was derived from, when made by {@code idFromName}. */
    public Optional<String> name() {
        return Optional.ofNullable(name);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectId other && other.hex.equals(hex);
    }

    @Override
    public int hashCode() {
        return hex.hashCode();
    }

    @Override
    public int compareTo(ObjectId o) {
        return hex.compareTo(o.hex);
    }

    /** The hex form, with the name in brackets when known. */
    @Override
    public String toString() {
        return name == null ? hex : hex + "(" + name + ")";
    }
}
