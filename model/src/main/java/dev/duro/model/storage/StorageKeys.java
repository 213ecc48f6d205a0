package dev.duro.model.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;

/** Key order: by UTF-8 bytes, unsigned, as SQLite compares BLOBs. Differs from {@link String#compareTo} above U+FFFF. */
public final class StorageKeys {
    public static final Comparator<String> ORDER = (a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b));

    private StorageKeys() {
    }

    public static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
