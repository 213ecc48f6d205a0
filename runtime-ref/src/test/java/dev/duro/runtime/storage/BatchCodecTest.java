package dev.duro.runtime.storage;

import dev.duro.model.object.DuroException;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchCodecTest {
    @Test
    void everyMutationRoundTrips() {
        List<Mutation> batch = List.of(new Mutation.KvPut(new byte[] {1}, new byte[] {2, 3}), new Mutation.KvDelete(new byte[0]),
                new Mutation.Sql("INSERT INTO t VALUES (?, ?, ?, ?, ?)", Arrays.asList(null, 5L, 1.5, "é", new byte[] {9})),
                new Mutation.SetAlarm(-1), new Mutation.DeleteAlarm(), new Mutation.DeleteAll(), new Mutation.RequestRestore(7),
                new Mutation.CancelRestore(), new Mutation.Restore(new byte[] {4, 5}));
        List<Mutation> decoded = BatchCodec.decode(BatchCodec.encode(batch));
        assertThat(decoded).usingRecursiveFieldByFieldElementComparator().isEqualTo(batch);
        assertThat(BatchCodec.encode(decoded)).isEqualTo(BatchCodec.encode(batch));
    }

    @Test
    void corruptPayloadsAreRefused() {
        byte[] ok = BatchCodec.encode(List.of(new Mutation.KvPut(new byte[] {1}, new byte[] {2})));
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(ok, ok.length - 1))).isInstanceOf(DuroException.class);
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(ok, ok.length + 1))).isInstanceOf(DuroException.class);
        byte[] badTag = ok.clone();
        badTag[5] = 42;
        assertThatThrownBy(() -> BatchCodec.decode(badTag)).isInstanceOf(DuroException.class);
    }
}
