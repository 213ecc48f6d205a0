/**
 * The example application served by {@code duro dev}: a stateless worker and a counter object
 * with the routes of the peer benchmark's workerd worker ({@code /counter/<name>}, {@code /read/<name>},
 * {@code /kv/<name>}, {@code /kvread/<name>}, {@code /hello}, {@code ?echo}).
 */
package dev.duro.deploy.example;
