package dev.duro.runtime.ids;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.Entropy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Makes and checks the object ids of one namespace.
 *
 * <p>Layout of the 32 bytes: a 16-byte body, then the first 16 bytes of
 * {@code HMAC-SHA256(namespaceKey, body)}. The namespace key is
 * {@code HMAC-SHA256(deploymentSecret, "duro-namespace-key\0" + namespace)}, so ids of one
 * namespace never verify in another and nobody without the secret can forge one.
 *
 * <p>The body's first byte says how the id was made (domain separation): {@link #KIND_NAME} for
 * {@link #fromName} (the other 15 bytes are a keyed hash of the name) and {@link #KIND_UNIQUE} for
 * {@link #newUnique} (15 random bytes). A name id and a unique id therefore differ in byte 0 and
 * can never be equal.
 *
 * <p><b>Located ids</b> (docs/cluster.md "Locations") carry where they live: kinds
 * {@link #KIND_NAME_LOCATED} and {@link #KIND_UNIQUE_LOCATED} put the location's 2-byte tag
 * ({@link #locationTag}) in body bytes 1..2, then 13 bytes of keyed name hash or of randomness.
 * Placement reads the tag, so an id stays in its location for its whole life without any
 * directory. A located name id is a different id from the unlocated id of the same name (and from
 * the same name located elsewhere), as Cloudflare's jurisdiction-scoped namespaces give another id
 * for the same name: the location is part of the object's identity. Ids of the first two kinds
 * are unchanged byte for byte.
 */
public final class ObjectIds {
    /** Body byte 0 of ids made by {@link #fromName}. */
    public static final byte KIND_NAME = 0x01;
    /** Body byte 0 of ids made by {@link #newUnique}. */
    public static final byte KIND_UNIQUE = 0x02;
    /** Body byte 0 of ids made by {@link #fromName(String, String)}: bytes 1..2 are the location tag. */
    public static final byte KIND_NAME_LOCATED = 0x03;
    /** Body byte 0 of ids made by {@link #newUnique(Entropy, String)}: bytes 1..2 are the location tag. */
    public static final byte KIND_UNIQUE_LOCATED = 0x04;
    /** Longest location label. */
    public static final int MAX_LOCATION_CHARS = 32;

    private static final int TAG_BYTES = 2;

    private static final int BODY_BYTES = 16;
    private static final int MAC_BYTES = ObjectId.BYTES - BODY_BYTES;
    private static final int HEX_DIGITS = ObjectId.BYTES * 2;
    private static final int SHA256_BLOCK_BYTES = 64;

    private final String namespace;
    private final byte[] namespaceKey;

    /**
     * @param namespace the binding name, for example {@code "COUNTERS"}
     * @param deploymentSecret the deployment's secret; at least 16 bytes
     */
    public ObjectIds(String namespace, byte[] deploymentSecret) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(deploymentSecret, "deploymentSecret");
        if (deploymentSecret.length < 16) {
            throw new IllegalArgumentException(
                    "the deployment secret must be at least 16 bytes, got " + deploymentSecret.length);
        }
        this.namespaceKey = hmac(deploymentSecret, utf8("duro-namespace-key\0" + namespace));
    }

    public String namespace() {
        return namespace;
    }

    /** The same id for the same name, in this namespace, under this deployment secret. */
    public ObjectId fromName(String name) {
        Objects.requireNonNull(name, "name");
        byte[] nameHash = hmac(namespaceKey, utf8("duro-id-from-name\0" + name));
        byte[] body = new byte[BODY_BYTES];
        body[0] = KIND_NAME;
        System.arraycopy(nameHash, 0, body, 1, BODY_BYTES - 1);
        return ObjectId.of(seal(body), name);
    }

    /**
     * The same id for the same name and location; a different id from {@link #fromName(String)} of
     * that name (the location is part of the identity, as with jurisdiction-scoped namespaces).
     *
     * @param location a valid label ({@link #checkLocation}); whether the cluster has it is the caller's check
     */
    public ObjectId fromName(String name, String location) {
        Objects.requireNonNull(name, "name");
        checkLocation(location);
        // The label (which holds no NUL) is hashed too: two labels whose 2-byte tags collide still give different ids.
        byte[] nameHash = hmac(namespaceKey, utf8("duro-id-from-name-located\0" + location + "\0" + name));
        byte[] body = locatedBody(KIND_NAME_LOCATED, location);
        System.arraycopy(nameHash, 0, body, 1 + TAG_BYTES, BODY_BYTES - 1 - TAG_BYTES);
        return ObjectId.of(seal(body), name);
    }

    /** A fresh id placed in {@code location}: its tag, 13 random bytes from {@code entropy}, then the MAC. */
    public ObjectId newUnique(Entropy entropy, String location) {
        checkLocation(location);
        byte[] random = new byte[BODY_BYTES - 1 - TAG_BYTES];
        entropy.nextBytes(random);
        byte[] body = locatedBody(KIND_UNIQUE_LOCATED, location);
        System.arraycopy(random, 0, body, 1 + TAG_BYTES, random.length);
        return ObjectId.of(seal(body), null);
    }

    private static byte[] locatedBody(byte kind, String location) {
        int tag = locationTag(location);
        byte[] body = new byte[BODY_BYTES];
        body[0] = kind;
        body[1] = (byte) (tag >>> 8);
        body[2] = (byte) tag;
        return body;
    }

    /** The 2-byte tag of a location label: the first two bytes of SHA-256("duro-location\0" + label), as 0..65535. */
    public static int locationTag(String location) {
        checkLocation(location);
        byte[] d = sha256().digest(utf8("duro-location\0" + location));
        return ((d[0] & 0xff) << 8) | (d[1] & 0xff);
    }

    /**
     * The location tag an id carries, or -1 for an id of an unlocated kind. Reads the kind byte
     * only; it does not verify the MAC (placement runs on ids the gateway or namespace verified).
     */
    public static int locationTagOf(ObjectId id) {
        byte[] bytes = id.bytes();
        if (bytes[0] != KIND_NAME_LOCATED && bytes[0] != KIND_UNIQUE_LOCATED) return -1;
        return ((bytes[1] & 0xff) << 8) | (bytes[2] & 0xff);
    }

    /**
     * Checks a location label: 1 to {@value #MAX_LOCATION_CHARS} characters of lowercase ASCII
     * letters, digits and '-', for example {@code "weur"} or {@code "us-east-2"}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static String checkLocation(String location) {
        if (location == null || location.isEmpty() || location.length() > MAX_LOCATION_CHARS) {
            throw new IllegalArgumentException("a location label is 1 to " + MAX_LOCATION_CHARS
                    + " characters of a-z, 0-9 and '-', got " + (location == null ? "null" : "'" + location + "'"));
        }
        for (int i = 0; i < location.length(); i++) {
            char c = location.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                throw new IllegalArgumentException("a location label is 1 to " + MAX_LOCATION_CHARS
                        + " characters of a-z, 0-9 and '-'; '" + location + "' has '" + printable(c) + "' at position " + i);
            }
        }
        return location;
    }

    /** A fresh id: 15 random bytes from {@code entropy}, then the MAC. */
    public ObjectId newUnique(Entropy entropy) {
        byte[] random = new byte[BODY_BYTES - 1];
        entropy.nextBytes(random);
        byte[] body = new byte[BODY_BYTES];
        body[0] = KIND_UNIQUE;
        System.arraycopy(random, 0, body, 1, random.length);
        return ObjectId.of(seal(body), null);
    }

    /**
     * Parses 64 hex digits (either case) and checks that the id was made by this namespace.
     *
     * @throws DuroException with {@link ErrorCode#INVALID_ID} saying what is wrong
     */
    public ObjectId parse(String hex) {
        if (hex == null || hex.isEmpty()) {
            throw invalid("an object id is required: expected " + HEX_DIGITS + " hex digits, got nothing");
        }
        if (hex.length() != HEX_DIGITS) {
            throw invalid("an object id is " + HEX_DIGITS + " hex digits; expected " + HEX_DIGITS
                    + " hex digits, got " + hex.length() + " characters");
        }
        byte[] bytes = new byte[ObjectId.BYTES];
        for (int i = 0; i < HEX_DIGITS; i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            // Character.digit accepts non-ASCII digits (e.g. fullwidth); ids are plain ASCII hex.
            if (digit < 0 || hex.charAt(i) > 'f') {
                throw invalid("an object id is " + HEX_DIGITS + " hex digits (0-9, a-f); found '"
                        + printable(hex.charAt(i)) + "' at position " + i);
            }
            bytes[i / 2] = (byte) (bytes[i / 2] | (i % 2 == 0 ? digit << 4 : digit));
        }
        ObjectId id = ObjectId.of(bytes, null);
        if (!belongs(id)) {
            throw invalid("object id " + id.hex() + " does not belong to namespace '" + namespace
                    + "': this id belongs to another namespace or was not made by idFromName/newUniqueId");
        }
        return id;
    }

    /** True when {@code id}'s MAC was made with this namespace's key and its kind byte is known. */
    public boolean belongs(ObjectId id) {
        byte[] bytes = id.bytes();
        byte[] body = Arrays.copyOfRange(bytes, 0, BODY_BYTES);
        byte[] mac = Arrays.copyOfRange(bytes, BODY_BYTES, ObjectId.BYTES);
        boolean knownKind = body[0] == KIND_NAME || body[0] == KIND_UNIQUE
                || body[0] == KIND_NAME_LOCATED || body[0] == KIND_UNIQUE_LOCATED;
        return MessageDigest.isEqual(mac, macOf(body)) && knownKind;
    }

    private byte[] seal(byte[] body) {
        byte[] out = new byte[ObjectId.BYTES];
        System.arraycopy(body, 0, out, 0, BODY_BYTES);
        System.arraycopy(macOf(body), 0, out, BODY_BYTES, MAC_BYTES);
        return out;
    }

    private byte[] macOf(byte[] body) {
        return Arrays.copyOf(hmac(namespaceKey, body), MAC_BYTES);
    }

    /**
     * HMAC-SHA256 (RFC 2104) over {@link MessageDigest}: the same bytes {@code javax.crypto.Mac}
     * "HmacSHA256" gives (a test checks), without depending on {@code javax.crypto}, which the
     * runtime's dependency rule (java.. and model only) leaves out.
     */
    static byte[] hmac(byte[] key, byte[] data) {
        MessageDigest sha256 = sha256();
        byte[] block = key.length > SHA256_BLOCK_BYTES ? sha256.digest(key) : key;
        byte[] inner = new byte[SHA256_BLOCK_BYTES];
        byte[] outer = new byte[SHA256_BLOCK_BYTES];
        for (int i = 0; i < SHA256_BLOCK_BYTES; i++) {
            byte k = i < block.length ? block[i] : 0;
            inner[i] = (byte) (k ^ 0x36);
            outer[i] = (byte) (k ^ 0x5c);
        }
        sha256.update(inner);
        byte[] innerHash = sha256.digest(data);
        sha256.update(outer);
        return sha256.digest(innerHash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // SHA-256 is required of every JDK; missing it is a broken runtime, not an input error.
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format(java.util.Locale.ROOT, "\\u%04x", (int) c);
    }

    private static DuroException invalid(String message) {
        return new DuroException(ErrorCode.INVALID_ID, message);
    }
}
