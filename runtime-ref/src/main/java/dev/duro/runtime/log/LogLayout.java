package dev.duro.runtime.log;

import dev.duro.model.object.ObjectId;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a {@link DiskLogStore} keeps things on the node's disk:
 * {@code objects/<escaped namespace>/<64 hex id>/} holding {@code meta},
 * {@code seg-<first seq, 20 digits>} segment files and {@code snap-<seq, 20 digits>} snapshots
 * ({@code *.tmp} while being written).
 *
 * <p>Namespace names are chosen by users, so they are escaped: ASCII letters, digits, '-' and '_'
 * stay; every other UTF-8 byte becomes {@code %XX} (upper-case hex). The result never contains
 * '/', '.', '..' or NUL, and distinct names give distinct directory names on a case-sensitive file
 * system. On a case-insensitive one two namespaces differing only in case would share a directory;
 * the {@code meta} file records the exact namespace, so such a clash is detected, not mixed up.
 */
final class LogLayout {
    static final String ROOT = "objects";
    static final String META = "meta";
    static final String TMP_SUFFIX = ".tmp";
    private static final String SEGMENT_PREFIX = "seg-";
    private static final String SNAPSHOT_PREFIX = "snap-";
    /** Keeps directory names well under the common 255-byte limit. */
    static final int MAX_ESCAPED_NAMESPACE_BYTES = 200;

    private LogLayout() {
    }

    /** The directory name of {@code namespace}; throws {@link IllegalArgumentException} for unusable names. */
    static String escapeNamespace(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            throw new IllegalArgumentException("a namespace name must not be empty");
        }
        StringBuilder out = new StringBuilder();
        for (byte b : namespace.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (plain) out.append(c);
            else out.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
        }
        if (out.length() > MAX_ESCAPED_NAMESPACE_BYTES) {
            throw new IllegalArgumentException("namespace name '" + namespace + "' is too long: escaped for the disk it is "
                    + out.length() + " bytes, at most " + MAX_ESCAPED_NAMESPACE_BYTES + " are allowed");
        }
        return out.toString();
    }

    static String namespaceDir(String namespace) {
        return namespaceDir(ROOT, namespace);
    }

    static String objectDir(String namespace, ObjectId id) {
        return objectDir(ROOT, namespace, id);
    }

    /** Under another root than {@link #ROOT} (a replica store keeps its copies apart from the node's own logs). */
    static String namespaceDir(String root, String namespace) {
        return root + "/" + escapeNamespace(namespace);
    }

    static String objectDir(String root, String namespace, ObjectId id) {
        return namespaceDir(root, namespace) + "/" + id.hex();
    }

    static String segmentName(long firstSeq) {
        return SEGMENT_PREFIX + String.format(Locale.ROOT, "%020d", firstSeq);
    }

    static String snapshotName(long seq) {
        return SNAPSHOT_PREFIX + String.format(Locale.ROOT, "%020d", seq);
    }

    /** The first sequence number of a segment file name, or empty if it is not one. */
    static Optional<Long> segmentSeq(String fileName) {
        return numberAfter(SEGMENT_PREFIX, fileName);
    }

    /** The sequence number of a snapshot file name, or empty if it is not one. */
    static Optional<Long> snapshotSeq(String fileName) {
        return numberAfter(SNAPSHOT_PREFIX, fileName);
    }

    static boolean isHexId(String name) {
        if (name.length() != ObjectId.BYTES * 2) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static Optional<Long> numberAfter(String prefix, String fileName) {
        if (!fileName.startsWith(prefix) || fileName.length() != prefix.length() + 20) return Optional.empty();
        String digits = fileName.substring(prefix.length());
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(digits));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }
}
