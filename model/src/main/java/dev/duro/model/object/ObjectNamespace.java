package dev.duro.model.object;

/**
 * A named binding to an object class: the way to make ids and reach objects.
 *
 * <p>Ids are 32 bytes (64 hex digits). {@link #idFromName} is a keyed hash of the name with this
 * namespace's secret, so every caller gets the same id for a name; {@link #newUniqueId} draws a
 * random part (from the world's entropy) and appends a MAC, so {@link #idFromString} can tell ids
 * of this namespace from anything else.
 *
 * <p>Locations (a cluster whose members have location labels): an id may carry a location, and
 * its object then lives on that location's members for its whole life (placement reads the
 * location from the id). {@link #newUniqueId()} called by an object places the new id where that
 * object runs (near the first caller); the {@code locationHint} variants name a location. A
 * located name id is a different id from the unlocated id of the same name, as with
 * jurisdiction-scoped namespaces: the location is part of the object's identity. Without
 * locations every id is unlocated and placed by hashing over all members.
 */
public interface ObjectNamespace {
    /** The binding name, for example {@code "COUNTERS"}. */
    String name();

    ObjectId idFromName(String name);

    /**
     * The id of {@code name} located at {@code locationHint}: the same for every caller, different
     * from {@link #idFromName(String)} of that name.
     *
     * @throws DuroException with {@link ErrorCode#INVALID_LOCATION} if the cluster has no such
     *     location (the message lists the ones it has)
     */
    ObjectId idFromName(String name, String locationHint);

    /** A fresh id; in a cluster with locations, located where the calling object runs. */
    ObjectId newUniqueId();

    /**
     * A fresh id located at {@code locationHint}.
     *
     * @throws DuroException with {@link ErrorCode#INVALID_LOCATION} if the cluster has no such
     *     location (the message lists the ones it has)
     */
    ObjectId newUniqueId(String locationHint);

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
