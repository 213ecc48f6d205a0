package dev.duro.sim.disk;

import dev.duro.model.async.Promise;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskException;
import dev.duro.model.world.DiskFile;
import java.util.List;

/**
 * One incarnation's view of a {@link SimDiskDevice}. Every call first checks that the incarnation
 * is still the device's current one: after a crash or a remount it throws {@code CLOSED}.
 */
final class SimDisk implements Disk {
    private final SimDiskDevice device;
    private final long incarnation;

    SimDisk(SimDiskDevice device, long incarnation) {
        this.device = device;
        this.incarnation = incarnation;
    }

    @Override
    public DiskFile open(String path, boolean create) {
        checkLive(path);
        return device.open(incarnation, path, create);
    }

    @Override
    public boolean exists(String path) {
        checkLive(path);
        return device.exists(path);
    }

    @Override
    public List<String> list(String dir) {
        checkLive(dir);
        return device.list(dir);
    }

    @Override
    public void createDirectories(String dir) {
        checkLive(dir);
        device.createDirectories(dir);
    }

    @Override
    public void delete(String path) {
        checkLive(path);
        device.delete(path);
    }

    @Override
    public void rename(String from, String to) {
        checkLive(from);
        device.rename(from, to);
    }

    @Override
    public Promise<Void> syncDirectory(String dir) {
        checkLive(dir);
        return device.syncDirectory(incarnation, dir);
    }

    private void checkLive(String path) {
        if (!device.isLive(incarnation)) {
            throw new DiskException(DiskException.Kind.CLOSED, String.valueOf(path),
                    "the disk was mounted by incarnation " + incarnation + ", which crashed or was replaced");
        }
    }
}
