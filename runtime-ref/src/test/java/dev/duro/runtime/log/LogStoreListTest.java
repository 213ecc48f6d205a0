package dev.duro.runtime.log;

import dev.duro.model.async.Promise;
import dev.duro.model.object.ObjectId;
import dev.duro.model.world.Disk;
import dev.duro.model.world.DiskFile;
import dev.duro.sim.disk.DiskFaultConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DiskLogStore#list} over a namespace directory holding more than logs (PIT survivors,
 * docs/mutation.md): stray files, names that are not ids, directories without a meta file, and
 * meta files that disagree with their directory.
 */
class LogStoreListTest {
    private static void put(Disk disk, String path, byte[] bytes) {
        disk.createDirectories(LogLayout.parent(path));
        try (DiskFile f = disk.open(path, true)) {
            f.write(0, bytes, 0, bytes.length);
        }
    }

    @Test
    void onlyIdDirectoriesWithAMetaFileAreListedAndAMetaDecidesNameAndNamespace() {
        LogRig rig = new LogRig(61, DiskFaultConfig.none(), LogOptions.defaults());
        ObjectId alice = LogRig.ID;
        ObjectId bob = LogRig.id(2, "bob");
        ObjectId damaged = LogRig.id(3, "carol");
        ObjectId clash = LogRig.id(4, "dan");
        ObjectId mislabelled = LogRig.id(5, "eve");
        ObjectId noMeta = LogRig.id(6, "fay");
        for (ObjectId id : List.of(alice, bob)) {
            rig.awaitValue(r -> r.store.open(LogRig.NS, id).recover());
            rig.awaitValue(r -> r.store.open(LogRig.NS, id).append(LogRig.entry(1, 0)));
        }
        String ns = LogLayout.namespaceDir(LogRig.NS);
        rig.awaitValue(r -> {
            Disk disk = r.world.disk();
            put(disk, ns + "/stray-file", new byte[] {1});
            put(disk, ns + "/" + bob.hex().toUpperCase() + "/meta", LogFormat.encodeMeta(LogRig.NS, bob));
            put(disk, ns + "/" + bob.hex().substring(1) + "/meta", LogFormat.encodeMeta(LogRig.NS, bob));
            put(disk, ns + "/" + damaged.hex() + "/meta", new byte[] {1, 2, 3});
            put(disk, ns + "/" + clash.hex() + "/meta", LogFormat.encodeMeta(LogRig.NS.toLowerCase(), clash));
            put(disk, ns + "/" + mislabelled.hex() + "/meta", LogFormat.encodeMeta(LogRig.NS, alice));
            put(disk, ns + "/" + noMeta.hex() + "/" + LogLayout.segmentName(1), new byte[] {1});
            return Promise.succeeded(r.world.loop(), null);
        });
        List<ObjectId> listed = rig.awaitValue(r -> r.store.list(LogRig.NS));
        assertThat(listed).as("sorted by id; strays, a clash and a directory without meta left out")
                .containsExactly(alice, bob, damaged, mislabelled);
        assertThat(listed.get(0).name()).contains("alice");
        assertThat(listed.get(1).name()).contains("bob");
        assertThat(listed.get(2).name()).as("an unreadable meta: listed, name unknown").isEmpty();
        assertThat(listed.get(3).name()).as("a meta naming another id: its name is not this one's").isEmpty();
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list(LogRig.NS.toLowerCase()))).isEmpty();
    }

    @Test
    void anUnusableNamespaceNameFailsTheListing() {
        LogRig rig = new LogRig(62, DiskFaultConfig.none(), LogOptions.defaults());
        Promise<List<ObjectId>> p = rig.await(r -> r.store.list(""));
        assertThat(p.failure()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot list the objects of namespace '': a namespace name must not be empty");
        rig.awaitValue(r -> {
            put(r.world.disk(), "objects/" + LogRig.NS, new byte[] {1}); // a file where the directory should be
            return Promise.succeeded(r.world.loop(), null);
        });
        assertThat(rig.<List<ObjectId>>awaitValue(r -> r.store.list(LogRig.NS))).isEmpty();
    }
}
