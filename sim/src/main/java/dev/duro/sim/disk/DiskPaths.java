package dev.duro.sim.disk;

import dev.duro.model.world.DiskException;
import java.util.List;

/** Validation and splitting of {@link dev.duro.model.world.Disk} paths. */
final class DiskPaths {
    private DiskPaths() {}

    /**
     * The segments of a file path: relative, '/'-separated, at least one segment, no empty, '.' or
     * '..' segment, no NUL or backslash.
     */
    static List<String> file(String path) {
        if (path == null) throw new DiskException(DiskException.Kind.BAD_PATH, "null", "path is null");
        if (path.isEmpty()) throw bad(path, "a file path must not be empty");
        return segments(path);
    }

    /** The segments of a directory path; the empty path is the root and has no segments. */
    static List<String> directory(String path) {
        if (path == null) throw new DiskException(DiskException.Kind.BAD_PATH, "null", "path is null");
        if (path.isEmpty()) return List.of();
        return segments(path);
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    private static List<String> segments(String path) {
        if (path.startsWith("/")) throw bad(path, "paths are relative: remove the leading '/'");
        if (path.indexOf('\\') >= 0) throw bad(path, "the separator is '/', not '\\'");
        if (path.indexOf('\0') >= 0) throw bad(path, "NUL is not allowed in a path");
        List<String> parts = List.of(path.split("/", -1));
        for (String part : parts) {
            if (part.isEmpty()) throw bad(path, "empty segment (doubled or trailing '/')");
            if (part.equals("..")) throw bad(path, "'..' is not allowed");
            if (part.equals(".")) throw bad(path, "'.' is not allowed");
        }
        return parts;
    }

    private static DiskException bad(String path, String why) {
        return new DiskException(DiskException.Kind.BAD_PATH, path, why);
    }
}
