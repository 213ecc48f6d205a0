package dev.duro.deploy.disk;

import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskException.Kind;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** Maps what java.nio throws to the {@link DiskException} kinds the runtime handles. */
final class IoErrors {
    private IoErrors() {
    }

    static DiskException map(String path, IOException e) {
        String message = String.valueOf(e.getMessage());
        Kind kind = switch (e) {
            case NoSuchFileException x -> Kind.NOT_FOUND;
            case NotDirectoryException x -> Kind.BAD_PATH;
            case FileAlreadyExistsException x -> Kind.BAD_PATH;
            case DirectoryNotEmptyException x -> Kind.BAD_PATH;
            case ClosedChannelException x -> Kind.CLOSED;
            case AccessDeniedException x -> Kind.IO_ERROR;
            default -> noSpace(message) ? Kind.NO_SPACE : Kind.IO_ERROR;
        };
        String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        DiskException out = new DiskException(kind, path, detail);
        out.initCause(e);
        return out;
    }

    /** ENOSPC and EDQUOT, as the JDK words them on Linux and macOS. */
    static boolean noSpace(String message) {
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }
}
