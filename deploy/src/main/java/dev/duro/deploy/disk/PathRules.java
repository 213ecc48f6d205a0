package dev.duro.deploy.disk;

import dev.duro.model.world.DiskException;

import java.nio.file.Path;

/**
 * The {@link dev.duro.model.world.Disk} path rules, the same the simulated disk enforces: relative,
 * '/'-separated, no empty, '.' or '..' segment, no NUL or backslash; a file path is not empty, a
 * directory path may be (the disk's root). {@code DiskPathRulesTest} holds both disks to the same
 * cases.
 */
final class PathRules {
    private PathRules() {
    }

    /** The file {@code path} under {@code root}; throws BAD_PATH when the path breaks a rule. */
    static Path file(Path root, String path) {
        if (path != null && path.isEmpty()) throw bad(path, "a file path must not be empty");
        return resolve(root, path);
    }

    /** The directory {@code path} under {@code root}; the empty path is the root itself. */
    static Path directory(Path root, String path) {
        if (path != null && path.isEmpty()) return root;
        return resolve(root, path);
    }

    private static Path resolve(Path root, String path) {
        if (path == null) throw new DiskException(DiskException.Kind.BAD_PATH, "null", "path is null");
        if (path.charAt(0) == '/') throw bad(path, "paths are relative: remove the leading '/'");
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') throw bad(path, "the separator is '/', not '\\'");
            if (c == '\0') throw bad(path, "NUL is not allowed in a path");
        }
        Path out = root;
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            String segment = path.substring(start, end);
            switch (segment) {
                case "" -> throw bad(path, "empty segment (doubled or trailing '/')");
                case "." -> throw bad(path, "'.' is not allowed");
                case ".." -> throw bad(path, "'..' is not allowed");
                default -> out = out.resolve(segment);
            }
            start = end + 1;
        }
        return out;
    }

    /** The parent of a valid path ("" for a top-level name). */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    private static DiskException bad(String path, String why) {
        return new DiskException(DiskException.Kind.BAD_PATH, path, why);
    }
}
