package dev.duro.runtime.host;

import dev.duro.model.object.DuroException;

import java.util.function.Consumer;

/**
 * An event waiting in an object's queue.
 *
 * @param kind      the trace name ({@code fetch}, {@code alarm}, {@code ws-message}, ...)
 * @param external  counts against {@code maxQueuedEvents} (requests from callers)
 * @param bytes     the request body's size, counted against {@code maxQueuedBytes} (0 unless external)
 * @param boundTo   delivered only to this activation (responses to its calls, its timers); null for any
 * @param deliver   runs the event in the activation (traces, calls the handler)
 * @param reject    called instead when the event can never be delivered (failed recovery, host reset)
 */
record QueuedEvent(String kind, boolean external, long bytes, Activation boundTo, Consumer<Activation> deliver,
                   Consumer<DuroException> reject) {
}
