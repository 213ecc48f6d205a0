package dev.duro.model.object;

/**
 * A named binding to an object class: the way to make ids and reach objects.
 *
 * <p>Ids are 32 bytes (64 hex digits). {@link #idFromName} is a keyed hash of the name with this
 * namespace's secret, so every caller gets the same id for a name; {@link #newUniqueId} draws a
 * random part (from the world's entropy) and appends a MAC, so {@link #idFromString} can tell ids
 * of this namespace from anything else.
 */
public interface ObjectNamespace {
    /** The binding name, for example {@code "COUNTERS"}. */
    String name();

    ObjectId idFromName(String name);

    ObjectId newUniqueId();

    /**
     * Parses 64 hex digits.
     *
     * @throws DuroException with {@link ErrorCode#INVALID_ID} if the text is malformed or its MAC
     *     does not belong to this namespace
     */
    ObjectId idFromString(String hex);

    /** A stub at once; the object is created on first use. */
    ObjectStub get(ObjectId id);

    /** Shorthand for {@code get(idFromName(name))}. */
    default ObjectStub getByName(String name) {
        return get(idFromName(name));
    }
}
