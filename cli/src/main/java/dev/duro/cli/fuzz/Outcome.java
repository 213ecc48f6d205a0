package dev.duro.cli.fuzz;

/** What one fuzz input got from the node. */
enum Outcome {
    /** An HTTP answer with a 2xx or 101 status. */
    OK,
    /** A 4xx answer: the node said what was wrong. */
    CLIENT_ERROR,
    /** A 5xx answer. */
    SERVER_ERROR,
    /** A WebSocket frame back (an answer or the node's close frame). */
    FRAME,
    /** The node closed the connection without an answer (a refused peer, an unreadable request). */
    CLOSED,
    /** Nothing within the wait: the node waits for more (a partial request, a damaged frame dropped). */
    SILENT,
    /** The client hung up by design (a truncated request). */
    ABANDONED
}
