/** Hibernatable WebSockets: the server-side socket, its handler interface and auto-responses. */
package dev.duro.model.websocket;
