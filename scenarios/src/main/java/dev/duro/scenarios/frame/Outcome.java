package dev.duro.scenarios.frame;

import dev.duro.model.object.DuroException;
import dev.duro.model.object.Response;

/**
 * What a client learned from one call: an answer, or nothing it can rely on. Every failure counts
 * as indeterminate (the request may have taken effect): a timeout, a lost connection, a reset
 * activation (its writes may have been durable before the reset), even an overload (cheap to be
 * safe). Only an answer proves anything.
 */
public sealed interface Outcome {
    record Answer(Response response) implements Outcome {}

    record Unknown(String why) implements Outcome {}

    static Outcome of(Response response, Throwable failure) {
        if (failure == null) return new Answer(response);
        if (failure instanceof DuroException d) return new Unknown(d.code().name());
        return new Unknown(failure.getClass().getSimpleName());
    }
}
