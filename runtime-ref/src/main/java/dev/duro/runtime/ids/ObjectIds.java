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
 */
public final class ObjectIds {
    /** Body byte 0 of ids made by {@link #fromName}. */
    public static final byte KIND_NAME = 0x01;
    /** Body byte 0 of ids made by {@link #newUnique}. */
    public static final byte KIND_UNIQUE = 0x02;

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
        boolean knownKind = body[0] == KIND_NAME || body[0] == KIND_UNIQUE;
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
