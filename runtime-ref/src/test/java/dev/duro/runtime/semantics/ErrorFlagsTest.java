package dev.duro.runtime.semantics;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/** SEMANTICS.md: errors carry the flags retryable, overloaded, remote, reset — exactly as docs/runtime.md "Errors" lists them. */
class ErrorFlagsTest {
    @Test
    void eachCodeCarriesItsDocumentedFlags() {
        for (ErrorCode code : ErrorCode.values()) {
            DuroException e = new DuroException(code, "x");
            assertThat(e.isRetryable()).as("%s retryable", code).isEqualTo(EnumSet.of(ErrorCode.RESET, ErrorCode.UNAVAILABLE, ErrorCode.MOVED).contains(code));
            assertThat(e.isReset()).as("%s reset", code).isEqualTo(code == ErrorCode.RESET);
            assertThat(e.isOverloaded()).as("%s overloaded", code).isEqualTo(code == ErrorCode.OVERLOADED);
            assertThat(e.isRemote()).as("%s remote", code).isEqualTo(code == ErrorCode.OBJECT_ERROR);
        }
    }
}
