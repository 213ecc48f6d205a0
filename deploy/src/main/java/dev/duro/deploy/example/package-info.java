/**
 * The example application served by {@code duro dev}: a stateless worker and a counter object
 * with the routes of the peer benchmark (../shared/bench/workerd/worker.js).
 */
package dev.duro.deploy.example;
